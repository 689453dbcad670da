public import ATSBridgeCore

/// Who may call a method, checked before its handler runs (docs/protocol.md §3.5, and the method
/// table of docs/security.md).
public struct MethodAccess: Sendable, Hashable {
    /// How a method relates to a key's integration scope.
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        /// No integration is involved (health checks).
        case none
        /// The integration named in the call metadata must be one of the key's.
        case callIntegration = "call integration"
        /// The `integration_id` of the request must be one of the key's.
        case requestIntegration = "request integration"
        /// Any key of the role; the answer holds only the key's integrations.
        case filtered
        /// Only keys limited to no integration (they act on every integration, or on the server).
        case unscopedKey = "unscoped key"
    }

    /// The lowest access level of a key that may call the method.
    public var level: AccessLevel
    /// How the method is limited by a key's integrations.
    public var scope: Scope

    /// Creates an access rule.
    public init(level: AccessLevel, scope: Scope) {
        self.level = level
        self.scope = scope
    }

    /// Creates an access rule for a method that names its integration in the call metadata, or
    /// needs none.
    public init(level: AccessLevel, needsIntegration: Bool) {
        self.init(level: level, scope: needsIntegration ? .callIntegration : .none)
    }

    /// Whether the call must name an integration in its metadata.
    public var needsIntegration: Bool { self.scope == .callIntegration }

    /// No key needed (health checks).
    public static let open = Self(level: .none, scope: .none)
    /// Reading an integration's data.
    public static let readIntegration = Self(level: .read, scope: .callIntegration)
    /// Writing to an integration.
    public static let writeIntegration = Self(level: .write, scope: .callIntegration)
    /// Administration of the whole server: keys limited to integrations are refused.
    public static let admin = Self(level: .admin, scope: .unscopedKey)
    /// Administration of the integration the request names.
    public static let adminIntegration = Self(level: .admin, scope: .requestIntegration)
    /// Administration listing integrations: the answer is limited to the key's.
    public static let adminFiltered = Self(level: .admin, scope: .filtered)
}

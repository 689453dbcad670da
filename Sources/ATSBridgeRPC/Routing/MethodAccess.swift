public import ATSBridgeCore

/// Who may call a method, checked before its handler runs (docs/protocol.md §3.5).
public struct MethodAccess: Sendable, Hashable {
    /// The lowest access level of a key that may call the method.
    public var level: AccessLevel
    /// Whether the call must name an integration in its metadata.
    public var needsIntegration: Bool

    /// Creates an access rule.
    public init(level: AccessLevel, needsIntegration: Bool) {
        self.level = level
        self.needsIntegration = needsIntegration
    }

    /// No key needed (health checks).
    public static let open = Self(level: .none, needsIntegration: false)
    /// Reading an integration's data.
    public static let readIntegration = Self(level: .read, needsIntegration: true)
    /// Writing to an integration.
    public static let writeIntegration = Self(level: .write, needsIntegration: true)
    /// Administration.
    public static let admin = Self(level: .admin, needsIntegration: false)
}

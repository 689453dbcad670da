/// An authenticated caller: the API key it used, by name, and what that key may do.
public struct Principal: Sendable, Hashable {
    /// The key's name (never the key itself).
    public var keyName: String
    /// What the key may do.
    public var access: AccessLevel
    /// The integrations the key is limited to; `nil` means all.
    public var integrations: Set<String>?

    /// Creates a principal.
    public init(keyName: String, access: AccessLevel, integrations: Set<String>? = nil) {
        self.keyName = keyName
        self.access = access
        self.integrations = integrations
    }

    /// The principal of a key.
    public init(_ key: APIKey) {
        self.init(keyName: key.name, access: key.access, integrations: key.integrations)
    }

    /// The caller of a method that needs no key.
    public static let anonymous = Principal(keyName: "anonymous", access: .none)

    /// Whether the key is limited to no integration (it may manage keys, the audit log, and
    /// create integrations).
    public var isUnscoped: Bool { self.integrations == nil }

    /// Whether the key may act on `integrationID`.
    public func mayAccess(integration integrationID: String) -> Bool {
        self.integrations?.contains(integrationID) ?? true
    }

    /// Checks that the key may act on `integrationID`.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.PERMISSION_DENIED`, the same whether the
    ///   integration exists or not, so a scoped key learns nothing about others.
    public func requireAccess(integration integrationID: String) throws(ATSBridgeError) {
        guard self.mayAccess(integration: integrationID) else {
            throw ATSBridgeError(.permissionDenied, "the key may not access this integration")
        }
    }
}

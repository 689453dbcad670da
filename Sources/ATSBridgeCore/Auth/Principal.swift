/// An authenticated caller: the API key it used, by name, and what that key may do.
public struct Principal: Sendable, Hashable {
    /// The key's name from configuration (never the key itself).
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

    /// The caller of a method that needs no key.
    public static let anonymous = Principal(keyName: "anonymous", access: .none)

    /// Whether the key may act on `integrationID`.
    public func mayAccess(integration integrationID: String) -> Bool {
        self.integrations?.contains(integrationID) ?? true
    }
}

/// Checks the API key of a call. The same check runs for every method.
public protocol Authenticator: Sendable {
    /// The principal for `apiKey`, or `nil` when the key is missing or unknown.
    func authenticate(apiKey: String?) -> Principal?
}

/// Authenticates against a fixed set of hashed keys from configuration.
public struct APIKeyAuthenticator: Authenticator {
    private let byHash: [String: APIKey]

    /// Creates an authenticator. Later keys with the same hash replace earlier ones.
    public init(keys: [APIKey]) {
        self.byHash = Dictionary(keys.map { ($0.sha256, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The principal of the configured key whose hash matches, or `nil`.
    public func authenticate(apiKey: String?) -> Principal? {
        guard let apiKey, !apiKey.isEmpty, let key = self.byHash[APIKey.hash(apiKey)] else { return nil }
        return Principal(keyName: key.name, access: key.access, integrations: key.integrations)
    }
}

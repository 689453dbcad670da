/// Checks the API key of a call. The same check runs for every method.
public protocol Authenticator: Sendable {
    /// The principal for `apiKey`, or `nil` when the key is missing or unknown.
    ///
    /// - Throws: When the keys cannot be read (the store is unavailable); the call fails then.
    func authenticate(apiKey: String?) async throws -> Principal?
}

/// Authenticates against a fixed set of hashed keys held in memory (tests, embedded use).
/// A server uses ``StoredKeyAuthenticator``, so that revocations reach it at once.
public struct APIKeyAuthenticator: Authenticator {
    private let byHash: [String: APIKey]

    /// Creates an authenticator. Later keys with the same hash replace earlier ones.
    public init(keys: [APIKey]) {
        self.byHash = Dictionary(keys.map { ($0.sha256, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The principal of the configured key whose hash matches, or `nil`.
    public func authenticate(apiKey: String?) -> Principal? {
        guard let apiKey, !apiKey.isEmpty else { return nil }
        let hash = APIKey.hash(apiKey)
        guard let key = self.byHash[hash], ConstantTime.equal(key.sha256, hash) else { return nil }
        return Principal(key)
    }
}

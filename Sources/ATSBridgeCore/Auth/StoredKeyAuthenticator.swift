/// Authenticates every call against the keys in the store, so that a key revoked through any
/// server sharing the store is refused by all of them on the next call.
///
/// The lookup is one indexed read by the SHA-256 of the presented key (the store runs it off the
/// cooperative pool); the stored hash is then compared in constant time. The key's last-used time
/// is written at most once per ``APIKey/lastUseResolution``.
public struct StoredKeyAuthenticator: Authenticator {
    private let keys: any APIKeyStore
    private let now: @Sendable () -> Int64

    /// Creates an authenticator over `keys`; `now` stamps last-used times (the wall clock by default).
    public init(keys: any APIKeyStore, now: @escaping @Sendable () -> Int64 = { WallClock.nowMilliseconds() }) {
        self.keys = keys
        self.now = now
    }

    /// The principal of the stored key whose hash matches, or `nil`.
    public func authenticate(apiKey: String?) async throws -> Principal? {
        guard let apiKey, !apiKey.isEmpty else { return nil }
        let hash = APIKey.hash(apiKey)
        guard let key = try await self.keys.apiKey(sha256: hash), ConstantTime.equal(key.sha256, hash) else {
            return nil
        }
        let now = self.now()
        if (key.lastUsedAt ?? Int64.min) <= now - APIKey.lastUseResolution {
            // Best effort: a busy store must not refuse a valid key for want of a timestamp.
            try? await self.keys.recordAPIKeyUse(name: key.name, at: now)
        }
        return Principal(key)
    }
}

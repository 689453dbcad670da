/// The store's role for API keys: only hashes are stored, never secrets.
public protocol APIKeyStore: Sendable {
    /// Creates or replaces an API key (by name).
    func saveAPIKey(_ key: APIKey) async throws
    /// Stores a new key; returns false, storing nothing, when its name is taken.
    func insertAPIKey(_ key: APIKey) async throws -> Bool
    /// Every stored API key, by name.
    func apiKeys() async throws -> [APIKey]
    /// The key whose secret hashes to `sha256`, or `nil`.
    func apiKey(sha256: String) async throws -> APIKey?
    /// Deletes a key by name; returns it, or `nil` when there is none.
    func revokeAPIKey(name: String) async throws -> APIKey?
    /// Sets a key's last-used time.
    func recordAPIKeyUse(name: String, at now: Int64) async throws
    /// Makes the configuration's keys the stored ``APIKey/Origin/config`` keys, in one
    /// transaction: new ones are added, changed ones updated (keeping their creation time), and
    /// config keys no longer in `keys` deleted. Managed keys are untouched. Returns the names
    /// of the deleted keys.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` when a configured key's name is
    ///   taken by a managed key, or two keys share a secret.
    @discardableResult
    func installConfiguredAPIKeys(_ keys: [APIKey], at now: Int64) async throws -> [String]
}

public import ATSBridgeCore

/// How a key from the configuration is installed over the stored keys (docs/security.md, "API
/// keys"): it may not take the name of a managed key, nor share its secret with a managed key
/// or another configured one; it keeps the times of the stored key of its name.
public enum ConfiguredKeyRule {
    /// The key to store for configured `key`.
    ///
    /// - Parameters:
    ///   - existing: the stored key of the same name, if any.
    ///   - holder: the stored key with the same secret, if any.
    ///   - configured: the names of the configured keys installed so far, this one included.
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` naming the conflicting keys.
    public static func installed(
        _ key: APIKey,
        existing: APIKey?,
        holder: APIKey?,
        configured: Set<String>,
        at now: Int64
    ) throws -> APIKey {
        if let existing, existing.origin == .managed {
            throw ATSBridgeError(
                .inputInvalid,
                "api_keys: the name '\(key.name)' belongs to a key created through the admin service; "
                    + "rename the configured key or revoke the managed one"
            )
        }
        if let holder, holder.name != key.name, holder.origin == .managed || configured.contains(holder.name) {
            throw ATSBridgeError(.inputInvalid, "api_keys: keys '\(key.name)' and '\(holder.name)' share a secret")
        }
        var key = key
        key.origin = .config
        key.createdAt = existing?.createdAt ?? now
        key.lastUsedAt = existing?.lastUsedAt
        return key
    }
}

import ATSBridgeProto

/// Re-seals every integration's RECRU credentials under a new credential key, in one
/// transaction: either all open with the old key and are sealed with the new one, or nothing
/// changes. The ids of integrations and records do not depend on the key.
public struct CredentialKeyRotation: Sendable {
    /// The key the credentials are sealed with now.
    public var from: CredentialVault
    /// The key they are sealed with after.
    public var to: CredentialVault

    /// Creates a rotation.
    public init(from: CredentialVault, to: CredentialVault) {
        self.from = from
        self.to = to
    }

    /// Re-seals every credential and appends an audit entry naming `actor`; returns how many
    /// were re-sealed.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.CREDENTIAL_KEY_INVALID` when a credential does
    ///   not open with the old key (nothing is changed then).
    public func run(on store: any Store, actor: String, at now: Int64) async throws -> Int {
        let from = self.from
        let to = self.to
        let ids = try await store.resealCredentials { stored in
            let id = stored.integration.id
            let password = try from.open(stored.encryptedCredentials, integrationID: id)
            return try to.seal(password: password, integrationID: id)
        }
        try await store.appendAudit(
            AuditEntry(at: now, keyName: actor, method: Self.auditMethod, targetIDs: ids, status: .ok)
        )
        return ids.count
    }

    /// The method an audit entry of a rotation names.
    public static let auditMethod = "local:credential-key rotate"
}

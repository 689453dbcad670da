import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRECRU
import Logging
import Synchronization

/// One RECRU client per integration for the write commands, so their token is reused; replaced
/// when the integration's tenant, login or credentials change.
final class RECRUClientPool: Sendable {
    private struct Entry {
        var fingerprint: [UInt8]
        var client: RECRUClient
    }

    private let vault: CredentialVault
    private let tuning: RECRUClientTuning
    private let logger: Logger
    private let clients = Mutex<[String: Entry]>([:])

    init(vault: CredentialVault, tuning: RECRUClientTuning, logger: Logger) {
        self.vault = vault
        self.tuning = tuning
        self.logger = logger
    }

    /// Time the pool's clients spent waiting for RECRU.
    var remoteTime: Duration {
        self.clients.withLock { $0.values.reduce(.zero) { $0 + $1.client.remoteTime } }
    }

    func client(for stored: StoredIntegration) throws -> RECRUClient {
        let integration = stored.integration
        let fingerprint =
            Array((integration.tenantURL ?? "").utf8) + [0] + Array((integration.login ?? "").utf8) + [0]
            + stored.encryptedCredentials
        if let entry = self.clients.withLock({ $0[integration.id] }), entry.fingerprint == fingerprint {
            return entry.client
        }
        let client = RECRUClient(
            configuration: RECRUClientConfiguration(
                baseURL: integration.tenantURL ?? "",
                login: integration.login ?? "",
                password: try self.vault.open(stored.encryptedCredentials, integrationID: integration.id),
                tuning: self.tuning
            ),
            logger: self.logger
        )
        self.clients.withLock { $0[integration.id] = Entry(fingerprint: fingerprint, client: client) }
        return client
    }
}

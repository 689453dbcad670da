import ATSBridgeCore
import Synchronization

/// One RECRU client per integration for the write commands, so that their token is reused;
/// replaced when the integration's tenant, login or password changes.
final class RECRUConnectionPool: Sendable {
    private let clients = Mutex<[String: RECRUClient]>([:])
    private let makeClient: @Sendable (RemoteATSAccount) -> RECRUClient

    init(makeClient: @escaping @Sendable (RemoteATSAccount) -> RECRUClient) {
        self.makeClient = makeClient
    }

    /// Time the pool's clients spent waiting for RECRU.
    var remoteTime: Duration {
        self.clients.withLock { $0.values.reduce(.zero) { $0 + $1.remoteTime } }
    }

    /// The integration's client, made anew when its account changed.
    func client(for account: RemoteATSAccount) -> RECRUClient {
        if let client = self.clients.withLock({ $0[account.integrationID] }), Self.serves(client, account) {
            return client
        }
        let client = self.makeClient(account)
        self.clients.withLock { $0[account.integrationID] = client }
        return client
    }

    private static func serves(_ client: RECRUClient, _ account: RemoteATSAccount) -> Bool {
        let configuration = client.configuration
        return configuration.baseURL == account.tenantURL && configuration.login == account.login
            && configuration.password == account.password
    }
}

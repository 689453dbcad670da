import ATSBridgeAPI
import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRECRU
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeStoreSQLite
import ATSBridgeSync
import ATSBridgeTestSupport
import Foundation
import Logging
import ServiceLifecycle

@testable import ATSBridgeSandbox

/// A whole server as `atsbridge serve` assembles it: every service, keys looked up in a real
/// SQLite store, the audit trail, and the RECRU adapter talking to the sandbox over real HTTP;
/// called through the Swift client over a real socket.
struct AccessHarness {
    let store: SQLiteStore
    let storePath: String
    let vault: CredentialVault
    let engine: SyncEngine
    let remote: RECRUAdapter
    let port: Int
    let sandboxURL: String
    let sandbox: RECRUSandbox
    let logs: LogCapture

    /// The sandbox's RECRU login and password; the tests check it never shows.
    static let login = "api@acme.example"
    static let password = "Sandbox-Password-4711"

    /// Keys of every role, unscoped and scoped to `int-a` and `int-gone` (an id no integration has).
    static let keys: [(name: String, access: AccessLevel, scoped: Bool)] = [
        ("reader", .read, false), ("reader-a", .read, true),
        ("writer", .write, false), ("writer-a", .write, true),
        ("admin", .admin, false), ("admin-a", .admin, true),
    ]
    static let scope: Set<String> = ["int-a", "int-gone"]

    /// The secret of a configured test key.
    static func secret(_ name: String) -> String { "secret-of-\(name)-0123456789" }

    static func with(_ body: (AccessHarness) async throws -> Void) async throws {
        let logs = LogCapture()
        let logger = logs.logger(level: .trace)
        let path = TemporaryFiles.unique("access").appendingPathComponent("store.sqlite").path
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        try await store.installConfiguredAPIKeys(
            Self.keys.map {
                APIKey(
                    name: $0.name,
                    plaintext: Self.secret($0.name),
                    access: $0.access,
                    integrations: $0.scoped ? Self.scope : nil
                )
            },
            at: WallClock.nowMilliseconds()
        )
        let vault = try CredentialVault(encodedKey: CredentialVault.generateKey())
        var tuning = RECRUClientTuning()
        tuning.requestsPerSecond = 100_000
        var recru = RECRUAdapterConfiguration()
        recru.write = tuning
        recru.sync = tuning
        let remote = RECRUAdapter(configuration: recru, logger: logger)
        var syncConfiguration = SyncConfiguration()
        syncConfiguration.schedulerTick = .seconds(3600)
        let engine = SyncEngine(
            store: store,
            vault: vault,
            remote: remote,
            configuration: syncConfiguration,
            logger: logger
        )
        var sandboxConfiguration = SandboxConfiguration()
        sandboxConfiguration.login = Self.login
        sandboxConfiguration.password = Self.password
        let sandbox = RECRUSandbox(configuration: sandboxConfiguration, seed: 3, size: .small)
        let sandboxServer = SandboxHTTPServer(sandbox: sandbox, port: 0, logger: logger)
        try await withRunningService(sandboxServer, logger: logger) { sandboxServer, _ in
            let url = "http://127.0.0.1:\(try await sandboxServer.listeningPort())"
            for id in ["int-a", "int-b"] {
                try await store.saveIntegration(
                    StoredIntegration(
                        integration: Integration(
                            id: id,
                            tenantURL: url,
                            login: Self.login,
                            status: .active,
                            setupStatus: .syncPending
                        ),
                        encryptedCredentials: try vault.seal(password: Self.password, integrationID: id)
                    )
                )
            }
            try await withRunningService(engine, logger: logger) { engine, _ in
                let server = Self.server(store: store, vault: vault, engine: engine, remote: remote, logger: logger)
                try await withRunningService(server, logger: logger) { server, _ in
                    let harness = AccessHarness(
                        store: store,
                        storePath: path,
                        vault: vault,
                        engine: engine,
                        remote: remote,
                        port: try await server.listeningPort(),
                        sandboxURL: url,
                        sandbox: sandbox,
                        logs: logs
                    )
                    try await body(harness)
                }
            }
        }
    }

    /// An RPC server over `store` with every service, as `atsbridge serve` wires it.
    static func server(
        store: SQLiteStore,
        vault: CredentialVault,
        engine: SyncEngine,
        remote: any RemoteATS,
        logger: Logger
    ) -> RPCServer {
        RPCServer(
            configuration: {
                var configuration = RPCServerConfiguration()
                configuration.port = 0
                configuration.shutdownGracePeriod = .seconds(2)
                configuration.keyRecheckInterval = .milliseconds(200)
                return configuration
            }(),
            router: Self.router(store: store, vault: vault, engine: engine, remote: remote),
            authenticator: StoredKeyAuthenticator(keys: store),
            logger: logger
        )
    }

    static func router(store: SQLiteStore, vault: CredentialVault, engine: SyncEngine, remote: any RemoteATS)
        -> RPCRouter
    {
        let gate = IntegrationReadGate(store: store)
        var router = RPCRouter(auditTrail: AuditTrail(log: store))
        HealthService(clock: SystemSyncClock()).register(in: &router)
        ReadService(store: store, gate: gate).register(in: &router)
        ChangesService(store: store, gate: gate).register(in: &router)
        WriteService(store: store, vault: vault, remote: remote).register(in: &router)
        AdminService(store: store, engine: engine, vault: vault, gate: gate, remote: remote).register(in: &router)
        return router
    }

    /// A client with `key` (a secret), calling for `integration`.
    func client(key: String?, integration: String? = nil) -> RPCClient {
        RPCClient(configuration: RPCClientConfiguration(port: self.port, apiKey: key, integrationID: integration))
    }

    /// Runs `body` with a client of the named test key, closing it after.
    func withClient<T>(
        _ name: String?,
        integration: String? = nil,
        _ body: (RPCClient) async throws -> T
    ) async throws -> T {
        let client = self.client(key: name.map(Self.secret), integration: integration)
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }

    /// Connects an integration to the sandbox through `CreateIntegration` and waits for its
    /// first sync; returns its id.
    func connect(name: String = "acme") async throws -> String {
        let created = try await self.withClient("admin") { client in
            try await client.unary(
                AdminService.createIntegration,
                CreateIntegrationRequest(
                    name: name,
                    tenantURL: self.sandboxURL,
                    login: Self.login,
                    password: Self.password,
                    settings: IntegrationSettings(syncIntervalMs: 7_200_000)
                )
            )
        }
        try await self.waitForSync(created.id)
        return created.id
    }

    /// Waits until the integration's latest sync has finished, and returns it.
    @discardableResult
    func waitForSync(_ integrationID: String) async throws -> SyncRun {
        var last: SyncRun?
        try await eventually(timeout: .seconds(120), "the sync of \(integrationID)") {
            last = try await self.store.syncRuns(integrationID: integrationID, limit: 1).first
            return last?.state == .succeeded || last?.state == .failed
        }
        return last!
    }

    /// Runs a full sync now and waits for it.
    func sync(_ integrationID: String) async throws -> SyncRun {
        let run = try await self.engine.trigger(integrationID: integrationID, type: .full)
        return try await self.engine.waitUntilFinished(run)
    }

    /// An open job of the sandbox: its ATSBridge id in `integrationID`.
    func openJob(_ integrationID: String) -> String {
        let project = self.sandbox.snapshot.projects.all.first { $0.status == "open" && !$0.stages.isEmpty }!
        return RecordID.make(integrationID: integrationID, model: .job, remoteID: "\(project.id)")
    }

    /// Every candidate and application id of an integration, from the store.
    func recordIDs(_ integrationID: String) async throws -> [Model: Set<String>] {
        var ids: [Model: Set<String>] = [:]
        for model in [Model.user, .job, .candidate, .application, .tag, .applicationStage] {
            var query = RecordQuery(integrationID: integrationID, model: model, pageSize: 1000, includeDeleted: true)
            var found = Set<String>()
            while true {
                let page = try await self.store.page(query)
                // Every model's id is its field 1, as GetRequest's is.
                found.formUnion(try page.records.map { try GetRequest(decoding: $0).id })
                guard let next = page.nextCursor else { break }
                query.cursor = next
            }
            ids[model] = found
        }
        return ids
    }
}

/// The status an RPC call failed with, or OK.
func status(of call: () async throws -> Void) async -> StatusCode {
    do {
        try await call()
        return .ok
    } catch let error as ATSBridgeError {
        return error.code.status
    } catch {
        return .unknown
    }
}

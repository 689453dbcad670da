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

/// The write API end to end: the sandbox (in-process, or over real HTTP with `http`) behind
/// RECRU's adapter, a synced SQLite store, and the RPC server with the read and write
/// services, called through the Swift client.
struct WriteHarness {
    let sandbox: RECRUSandbox
    let store: SQLiteStore
    let engine: SyncEngine
    let client: RPCClient
    let integrationID = "int-w"
    static let writerKey = "writer-key-0123456789"

    struct Options {
        var sandbox: (inout SandboxConfiguration) -> Void = { _ in }
        var write: (inout WriteConfiguration) -> Void = { _ in }
        var settings: IntegrationSettings?
        /// Reach the sandbox over real HTTP instead of in-process.
        var http = false
        /// The write service's clock.
        var clock: any SyncClock = SystemSyncClock()
    }

    static func with(
        _ configure: (inout Options) -> Void,
        _ body: (WriteHarness) async throws -> Void
    ) async throws {
        var options = Options()
        configure(&options)
        try await self.with(options, body)
    }

    static func with(_ options: Options = Options(), _ body: (WriteHarness) async throws -> Void) async throws {
        var sandboxConfiguration = SandboxConfiguration()
        options.sandbox(&sandboxConfiguration)
        let sandbox = RECRUSandbox(configuration: sandboxConfiguration, seed: 5, size: .small)
        var logger = Logger(label: "test.write")
        logger.logLevel = .warning
        let path = TemporaryFiles.unique("write").appendingPathComponent("store.sqlite").path
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        let vault = try CredentialVault(encodedKey: CredentialVault.generateKey())
        var tuning = RECRUClientTuning()
        tuning.requestsPerSecond = 100_000
        tuning.retry.baseDelay = .milliseconds(2)
        tuning.retry.maxDelay = .milliseconds(20)
        tuning.retry.maxRetryAfter = .milliseconds(20)
        var recruConfiguration = RECRUAdapterConfiguration()
        recruConfiguration.write = tuning
        recruConfiguration.sync = tuning
        // A RECRU read that keeps failing gives up after 10 s instead of production's 5 minutes.
        recruConfiguration.write.retry.unavailabilityBudget = .seconds(10)
        // The sync waits out rate limits (tests of writes under a rate limit need it done).
        recruConfiguration.sync.retry.maxAttempts = 40
        recruConfiguration.sync.retry.maxRetryAfter = .milliseconds(1100)
        let remote: RECRUAdapter
        if options.http {
            remote = RECRUAdapter(configuration: recruConfiguration, logger: logger)
        } else {
            let transport = SandboxTransport(sandbox)
            remote = RECRUAdapter(configuration: recruConfiguration, logger: logger) { _ in transport }
        }
        var syncConfiguration = SyncConfiguration()
        syncConfiguration.schedulerTick = .seconds(3600)
        let engine = SyncEngine(
            store: store,
            vault: vault,
            remote: remote,
            configuration: syncConfiguration,
            logger: logger
        )
        var writeConfiguration = WriteConfiguration()
        options.write(&writeConfiguration)
        var router = RPCRouter()
        ReadService(store: store).register(in: &router)
        WriteService(
            store: store,
            vault: vault,
            remote: remote,
            configuration: writeConfiguration,
            clock: options.clock
        )
        .register(in: &router)
        var serverConfiguration = RPCServerConfiguration()
        serverConfiguration.port = 0
        serverConfiguration.shutdownGracePeriod = .seconds(2)
        let server = RPCServer(
            configuration: serverConfiguration,
            router: router,
            authenticator: APIKeyAuthenticator(keys: [APIKey(name: "writer", plaintext: Self.writerKey, access: .write)]
            ),
            logger: logger
        )
        func start(_ url: String) async throws {
            try await store.saveIntegration(
                StoredIntegration(
                    integration: Integration(
                        id: "int-w",
                        tenantURL: url,
                        login: "api@acme.example",
                        status: .active,
                        setupStatus: .syncPending,
                        settings: options.settings
                    ),
                    encryptedCredentials: try vault.seal(password: "sandbox", integrationID: "int-w")
                )
            )
            try await withRunningService(engine, logger: logger) { engine, _ in
                let run = try await engine.waitUntilFinished(
                    try await engine.trigger(integrationID: "int-w", type: .full)
                )
                guard run.state == .succeeded else {
                    throw ATSBridgeError(.unavailable, "the harness's first sync failed: \(run.errorMessage ?? "")")
                }
                try await withRunningService(server, logger: logger) { server, _ in
                    let client = RPCClient(
                        configuration: RPCClientConfiguration(
                            port: try await server.listeningPort(),
                            apiKey: Self.writerKey,
                            integrationID: "int-w"
                        )
                    )
                    let harness = WriteHarness(sandbox: sandbox, store: store, engine: engine, client: client)
                    do {
                        try await body(harness)
                    } catch {
                        await client.close()
                        throw error
                    }
                    await client.close()
                }
            }
        }
        guard options.http else { return try await start("http://sandbox.invalid") }
        let sandboxServer = SandboxHTTPServer(sandbox: sandbox, port: 0, logger: logger)
        try await withRunningService(sandboxServer, logger: logger) { sandboxServer, _ in
            try await start("http://127.0.0.1:\(try await sandboxServer.listeningPort())")
        }
    }

    /// An open project of the sandbox and its job's ATSBridge id.
    func openJob() -> (remote: Int, id: String) {
        let project = self.sandbox.snapshot.projects.all.first { $0.status == "open" && !$0.stages.isEmpty }!
        return (project.id, RecordID.make(integrationID: self.integrationID, model: .job, remoteID: "\(project.id)"))
    }

    /// A closed project of the sandbox.
    func closedJob() -> (remote: Int, id: String) {
        let project = self.sandbox.snapshot.projects.all.first { $0.status != "open" }!
        return (project.id, RecordID.make(integrationID: self.integrationID, model: .job, remoteID: "\(project.id)"))
    }

    /// Counts of what the store and the sandbox hold, to check that a failure wrote nothing.
    func counts() async throws -> [Int] {
        var counts: [Int] = []
        for model in [Model.candidate, .application, .candidateTag] {
            var query = RecordQuery(
                integrationID: self.integrationID,
                model: model,
                pageSize: 1000,
                includeDeleted: true
            )
            var total = 0
            while true {
                let page = try await self.store.page(query)
                total += page.records.count
                guard let next = page.nextCursor else { break }
                query.cursor = next
            }
            counts.append(total)
        }
        let state = self.sandbox.snapshot
        return counts + [state.jobseekers.count, state.applications.count]
    }

    /// A valid request for an open job.
    func request(email: String = "nova.kandidatka@example.sk") -> CreateApplicationRequest {
        CreateApplicationRequest(
            jobID: self.openJob().id,
            candidate: CandidateInput(
                firstName: "Nováková",
                lastName: "Žofia",
                emailAddress: email,
                phoneNumber: "+421 900 123 456",
                location: Location(city: "Žilina", country: "SK")
            ),
            attachments: [
                AttachmentInput(
                    name: "cv.pdf",
                    type: .cv,
                    contentType: "application/pdf",
                    content: .data(Array("%PDF-1.4 cv".utf8))
                )
            ],
            gdprConsent: GdprConsent(given: true, expiresAt: 1_900_000_000_000)
        )
    }
}

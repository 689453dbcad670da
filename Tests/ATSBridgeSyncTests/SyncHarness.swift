import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRECRU
import ATSBridgeStoreSQLite
import ATSBridgeSync
import ATSBridgeTestSupport
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

@testable import ATSBridgeSandbox

/// A RECRU sandbox over real HTTP, a real SQLite store, a sync engine on a manual clock, and
/// one integration connected to the sandbox.
struct SyncHarness {
    let sandbox: RECRUSandbox
    let sandboxURL: String
    let store: SQLiteStore
    let engine: SyncEngine
    let clock: ManualSyncClock
    let vault: CredentialVault
    let integrationID = "int-1"

    /// Options of a harness.
    struct Options {
        var size = SandboxSize.small
        var seed: UInt64 = 3
        var password = "sandbox"
        var settings: IntegrationSettings?
        var sandbox: (inout SandboxConfiguration) -> Void = { _ in }
        var sandboxClock: (@Sendable () -> Int64)?
        var sync: (inout SyncConfiguration) -> Void = { _ in }
    }

    /// Fast retries and no client-side rate limit, so that fault tests finish quickly.
    static func testConfiguration() -> SyncConfiguration {
        var configuration = SyncConfiguration()
        configuration.client.requestsPerSecond = 100_000
        configuration.client.retry.baseDelay = .milliseconds(2)
        configuration.client.retry.maxDelay = .milliseconds(40)
        configuration.client.retry.maxRetryAfter = .milliseconds(50)
        configuration.client.retry.maxAttempts = 30
        configuration.pageSize = 25
        return configuration
    }

    /// Runs `body` with a started harness, then shuts everything down.
    static func with(_ options: Options = Options(), _ body: (SyncHarness) async throws -> Void) async throws {
        var sandboxConfiguration = SandboxConfiguration()
        options.sandbox(&sandboxConfiguration)
        let sandbox = RECRUSandbox(
            configuration: sandboxConfiguration,
            seed: options.seed,
            size: options.size,
            clock: options.sandboxClock ?? Self.sandboxClock()
        )
        var logger = Logger(label: "test.sync")
        logger.logLevel = .warning
        let server = SandboxHTTPServer(sandbox: sandbox, port: 0, logger: logger)
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: Self.temporaryPath()))
        let vault = try CredentialVault(encodedKey: CredentialVault.generateKey())
        var configuration = Self.testConfiguration()
        options.sync(&configuration)
        let clock = ManualSyncClock()
        let engine = SyncEngine(store: store, vault: vault, configuration: configuration, clock: clock, logger: logger)
        try await withRunningService(server, logger: logger) { server, _ in
            let url = "http://127.0.0.1:\(try await server.listeningPort())"
            let harness = SyncHarness(
                sandbox: sandbox,
                sandboxURL: url,
                store: store,
                engine: engine,
                clock: clock,
                vault: vault
            )
            try await harness.connect(password: options.password, settings: options.settings)
            try await withRunningService(engine, logger: logger) { _, _ in try await body(harness) }
        }
    }

    /// A clock that starts at a fixed time (so that every harness seeds the same dates) and
    /// then runs in real time (so that rate limits and tokens behave).
    static func sandboxClock() -> @Sendable () -> Int64 {
        let start = Mutex<ContinuousClock.Instant?>(nil)
        return {
            let elapsed = start.withLock { start in
                if let start { return ContinuousClock.now - start }
                start = ContinuousClock.now
                return .zero
            }
            return 1_800_000_000_000 + elapsed.milliseconds
        }
    }

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sync-\(UUID())/store.sqlite").path
    }

    /// Saves the integration, as the admin API will: credentials sealed, setup pending.
    func connect(password: String, settings: IntegrationSettings?) async throws {
        let integration = Integration(
            id: self.integrationID,
            name: "Sandbox",
            tenantURL: self.sandboxURL,
            login: "api@acme.example",
            status: .active,
            setupStatus: .syncPending,
            settings: settings,
            createdAt: self.clock.nowMilliseconds()
        )
        try await self.store.saveIntegration(
            StoredIntegration(
                integration: integration,
                encryptedCredentials: try self.vault.seal(password: password, integrationID: self.integrationID)
            )
        )
    }

    /// Triggers a sync and waits for it to end.
    @discardableResult
    func sync(_ type: SyncType = .full) async throws -> SyncRun {
        self.clock.advance(by: .seconds(1))
        let run = try await self.engine.trigger(integrationID: self.integrationID, type: type)
        return try await self.engine.waitUntilFinished(run)
    }

    /// The integration as stored.
    func integration() async throws -> Integration? {
        try await self.store.integration(id: self.integrationID)?.integration
    }

    /// Where the store differs from the sandbox's data mapped (empty when the mirror is exact).
    func differencesFromSandbox() async throws -> [String] {
        let expected = try await StoreSnapshot.expected(from: self.recruClient(), integrationID: self.integrationID)
        let actual = try await StoreSnapshot.take(self.store, self.integrationID).content
        return StoreSnapshot.differences(actual, expected)
    }

    /// A RECRU client of the sandbox, to read what a sync should have mirrored.
    func recruClient() -> RECRUClient {
        var tuning = RECRUClientTuning()
        tuning.requestsPerSecond = 100_000
        return RECRUClient(
            configuration: RECRUClientConfiguration(
                baseURL: self.sandboxURL,
                login: "api@acme.example",
                password: "sandbox",
                tuning: tuning
            ),
            logger: Logger(label: "test.sync.client")
        )
    }
}

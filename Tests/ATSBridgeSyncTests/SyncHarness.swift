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

/// A RECRU sandbox (in-process, or over real HTTP with `http`), a real SQLite store, a sync
/// engine on a manual clock behind the RECRU adapter, and one integration connected to the
/// sandbox.
struct SyncHarness {
    let sandbox: RECRUSandbox
    let sandboxURL: String
    let store: SQLiteStore
    let remote: any RemoteATS
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
        var recru: (inout RECRUAdapterConfiguration) -> Void = { _ in }
        /// Reach the sandbox over real HTTP instead of in-process.
        var http = false
    }

    /// Small pages, so that every list has several.
    static func testConfiguration() -> SyncConfiguration {
        var configuration = SyncConfiguration()
        configuration.pageSize = 25
        return configuration
    }

    /// Fast retries and no client-side rate limit, so that fault tests finish quickly.
    static func recruConfiguration() -> RECRUAdapterConfiguration {
        var configuration = RECRUAdapterConfiguration()
        configuration.sync.requestsPerSecond = 100_000
        configuration.sync.retry.baseDelay = .milliseconds(2)
        configuration.sync.retry.maxDelay = .milliseconds(40)
        configuration.sync.retry.maxRetryAfter = .milliseconds(50)
        configuration.sync.retry.maxAttempts = 30
        return configuration
    }

    /// The RECRU adapter, reaching `sandbox` in-process or (with `url`) over HTTP.
    static func adapter(
        _ configuration: RECRUAdapterConfiguration,
        sandbox: RECRUSandbox,
        url: String?,
        logger: Logger
    ) -> RECRUAdapter {
        if url != nil { return RECRUAdapter(configuration: configuration, logger: logger) }
        let transport = SandboxTransport(sandbox)
        return RECRUAdapter(configuration: configuration, logger: logger) { _ in transport }
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
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: Self.temporaryPath()))
        let vault = try CredentialVault(encodedKey: CredentialVault.generateKey())
        var configuration = Self.testConfiguration()
        options.sync(&configuration)
        var recruConfiguration = Self.recruConfiguration()
        options.recru(&recruConfiguration)
        let clock = ManualSyncClock()
        func start(_ url: String?) async throws {
            let remote = Self.adapter(recruConfiguration, sandbox: sandbox, url: url, logger: logger)
            let engine = SyncEngine(
                store: store,
                vault: vault,
                remote: remote,
                configuration: configuration,
                clock: clock,
                logger: logger
            )
            let harness = SyncHarness(
                sandbox: sandbox,
                sandboxURL: url ?? "http://sandbox.invalid",
                store: store,
                remote: remote,
                engine: engine,
                clock: clock,
                vault: vault
            )
            try await harness.connect(password: options.password, settings: options.settings)
            try await withRunningService(engine, logger: logger) { _, _ in try await body(harness) }
        }
        guard options.http else { return try await start(nil) }
        let server = SandboxHTTPServer(sandbox: sandbox, port: 0, logger: logger)
        try await withRunningService(server, logger: logger) { server, _ in
            try await start("http://127.0.0.1:\(try await server.listeningPort())")
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
        TemporaryFiles.unique("sync").appendingPathComponent("store.sqlite").path
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
        let expected = try await StoreSnapshot.expected(from: self.connection())
        let actual = try await StoreSnapshot.take(self.store, self.integrationID).content
        return StoreSnapshot.differences(actual, expected)
    }

    /// A connection to the sandbox's account, to read what a sync should have mirrored.
    func connection() -> any RemoteATSConnection {
        self.remote.connection(
            to: RemoteATSAccount(
                integrationID: self.integrationID,
                tenantURL: self.sandboxURL,
                login: "api@acme.example",
                password: "sandbox"
            ),
            for: .sync
        )
    }
}

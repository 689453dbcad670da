import ATSBridgeAPI
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRECRU
import ATSBridgeRPC
import ATSBridgeSandbox
import ATSBridgeServer
import ATSBridgeSync
import Foundation
public import Logging
import ServiceLifecycle
import UnixSignals

/// `atsbridge serve`: the store, the sync engine, the RPC server, the metrics endpoint and, with
/// `--demo`, the embedded RECRU sandbox, under one ServiceGroup with graceful shutdown.
public enum ServerApplication {
    /// Runs until SIGINT/SIGTERM (or cancellation), then shuts everything down gracefully.
    ///
    /// - Parameters:
    ///   - metrics: What the `/metrics` endpoint (when configured) serves; the caller's `main`
    ///     bootstraps swift-metrics with its factory.
    ///   - ready: Called once the server listens (and, with a demo, the first sync finished),
    ///     with what the banner shows.
    /// - Throws: ``ATSBridgeError`` for bad configuration, a store that cannot be opened, or a
    ///   credential key that does not open the stored credentials (nothing is changed then).
    public static func run(
        _ configuration: ServeConfiguration,
        demo: DemoOptions?,
        metrics registry: MetricsRegistry = MetricsRegistry(),
        logger: Logger,
        ready: @escaping @Sendable (ServerReady) -> Void
    ) async throws {
        HeapTuning.tuneForServing()
        var configuration = configuration
        if let demo {
            configuration.store = .sqlite(path: demo.dataDirectory + "/atsbridge.sqlite")
            if configuration.credentialKey == nil {
                configuration.credentialKey = try DemoKeyFile.credentialKey(in: demo.dataDirectory)
            }
            configuration.apiKeys.append(APIKey(name: "demo", plaintext: demo.apiKey, access: .admin))
        }
        guard let key = configuration.credentialKey else {
            throw ATSBridgeError(
                .inputInvalid,
                "a credential key is required: --credential-key, ATSBRIDGE_CREDENTIAL_KEY or credential_key in the "
                    + "config file (64 hex digits; `atsbridge keygen` makes one)"
            )
        }
        let vault = try CredentialVault(encodedKey: key)
        let opened = try await configuration.store.open(
            maxConnections: configuration.storeMaxConnections,
            logger: logger
        )
        try await opened.use { store in
            try FileModeCheck.check(
                self.protectedFiles(configuration, store: opened, demo: demo),
                strict: configuration.strictFileModes,
                logger: logger
            )
            try await self.serve(
                configuration,
                store: store,
                vault: vault,
                demo: demo,
                metrics: registry,
                logger: logger,
                ready: ready
            )
        }
    }

    /// Runs every service over an opened store until shutdown.
    private static func serve(
        _ configuration: ServeConfiguration,
        store: any Store & NestedViewCache,
        vault: CredentialVault,
        demo: DemoOptions?,
        metrics registry: MetricsRegistry,
        logger: Logger,
        ready: @escaping @Sendable (ServerReady) -> Void
    ) async throws {
        try await self.checkCredentials(store, vault)
        // The configuration's keys replace the stored config keys: one removed from the file stops
        // working now. Managed keys (created through the admin service) are kept.
        let removed = try await store.installConfiguredAPIKeys(configuration.apiKeys, at: WallClock.nowMilliseconds())
        if !removed.isEmpty {
            logger.notice(
                "API keys no longer configured were deleted",
                metadata: [LogKey.apiKeyNames: "\(removed.joined(separator: ","))"]
            )
        }
        // Every call looks its key up in the store, so a revocation through any server sharing
        // it holds for the next call everywhere.
        let authenticator = StoredKeyAuthenticator(keys: store)

        // The one place RECRU is wired in: everything else speaks Core's remote-ATS port.
        let recru = RECRUAdapter(configuration: configuration.recru, logger: logger)
        // One clock for the sync engine and the services, so tests can inject a manual one.
        let clock = SystemSyncClock()
        let engine = SyncEngine(
            store: store,
            vault: vault,
            remote: recru,
            configuration: configuration.sync,
            clock: clock,
            logger: logger
        )
        let gate = IntegrationReadGate(store: store)
        var requestLimits = DecodingLimits.default
        requestLimits.maxBytes = configuration.server.connection.maxMessageSize
        var router = RPCRouter(
            requestLimits: requestLimits,
            auditTrail: AuditTrail(log: store, now: { clock.nowMilliseconds() })
        )
        HealthService(clock: clock).register(in: &router)
        ReadService(store: store, gate: gate, coverage: recru.coverage).register(in: &router)
        ChangesService(store: store, gate: gate).register(in: &router)
        WriteService(store: store, vault: vault, remote: recru, configuration: configuration.write, clock: clock)
            .register(in: &router)
        AdminService(store: store, engine: engine, vault: vault, gate: gate, remote: recru, clock: clock)
            .register(in: &router)

        let server = RPCServer(
            configuration: configuration.server,
            router: router,
            authenticator: authenticator,
            logger: logger
        )
        var services: [any Service] = [engine, server, RetentionService(store: store, clock: clock, logger: logger)]
        services.append(ViewRefreshService(cache: store, integrations: store, logger: logger))
        if configuration.server.tls != nil { services.append(TLSReloadOnSignal(server: server, logger: logger)) }
        let metrics = configuration.metrics.listen.map {
            MetricsHTTPServer(listen: $0, registry: registry, logger: logger)
        }
        if let metrics { services.append(metrics) }
        var sandbox: SandboxHTTPServer?
        if let demo {
            var sandboxConfiguration = SandboxConfiguration()
            sandboxConfiguration.adminSecret = demo.sandboxAdminSecret
            // The sandbox's records live beside the store, so a restarted demo keeps what was
            // written to it and RECRU ids are never handed out twice.
            try? FileManager.default.createDirectory(atPath: demo.dataDirectory, withIntermediateDirectories: true)
            let emulator = try RECRUSandbox(
                dataFile: demo.dataDirectory + "/sandbox.json",
                configuration: sandboxConfiguration,
                seed: demo.seed,
                size: demo.size
            )
            let server = SandboxHTTPServer(sandbox: emulator, port: 0, logger: logger)
            sandbox = server
            services.append(server)
        }
        let listenHost = configuration.listen.host
        let tlsMode = configuration.server.tls.map { $0.clientCAPath == nil ? "TLS" : "mutual TLS" }
        let demoSandbox = sandbox
        let storeName = configuration.store.description
        let startup = StartupService(logger: logger) {
            let port = try await server.listeningPort()
            var info = ServerReady(listen: HostPort(host: listenHost, port: port))
            info.tls = tlsMode
            info.store = storeName
            if let metrics {
                info.metrics = HostPort(host: metrics.listen.host, port: try await metrics.listeningPort())
            }
            if let demo, let sandbox = demoSandbox {
                info.demo = try await DemoBootstrap(
                    store: store,
                    vault: vault,
                    engine: engine,
                    options: demo,
                    clock: clock
                )
                .run(sandboxURL: "http://127.0.0.1:\(try await sandbox.listeningPort())")
            }
            ready(info)
        }
        services.append(startup)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    /// The files and folders that hold personal data or keys, for ``FileModeCheck``.
    static func protectedFiles(_ configuration: ServeConfiguration, store: OpenedStore, demo: DemoOptions?) -> [String]
    {
        var paths = store.files
        if let demo { paths += [demo.dataDirectory, DemoKeyFile.path(in: demo.dataDirectory)] }
        if let tls = configuration.server.tls { paths.append(tls.privateKeyPath) }
        return paths
    }

    /// Opens every stored credential with the configured key before anything else runs, so a
    /// wrong key is a clear start-up error and nothing stored is touched.
    static func checkCredentials(_ store: any Store, _ vault: CredentialVault) async throws {
        for stored in try await store.integrations() {
            do {
                _ = try vault.open(stored.encryptedCredentials, integrationID: stored.integration.id)
            } catch {
                throw ATSBridgeError(
                    .credentialKeyInvalid,
                    "the credential key does not open the stored credentials of integration \(stored.integration.id); "
                        + "start with the key they were stored with (nothing was changed)"
                )
            }
        }
    }
}

/// What a started server tells its operator.
public struct ServerReady: Sendable {
    /// Where the RPC server listens.
    public var listen: HostPort
    /// `TLS` or `mutual TLS` when the RPC port has TLS; `nil` for plain TCP.
    public var tls: String?
    /// The store, as ``StoreLocation`` describes it (a PostgreSQL URL without its password).
    public var store: String?
    /// Where `/metrics` is served, if anywhere.
    public var metrics: HostPort?
    /// The demo's integration and first sync, with `--demo`.
    public var demo: DemoReady?
}

/// The demo's state after its first sync.
public struct DemoReady: Sendable {
    /// The demo integration's id.
    public var integrationID: String
    /// The demo API key.
    public var apiKey: String
    /// Records synced per model name.
    public var counts: [(model: String, count: Int)]
    /// The sandbox's URL.
    public var sandboxURL: String
}

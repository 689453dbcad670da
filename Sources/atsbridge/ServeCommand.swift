import ATSBridgeApp
import ATSBridgeCore
import ATSBridgeSandbox
import ArgumentParser
import CoreMetrics
import Foundation
import Logging

/// `atsbridge serve`: the server; with `--demo`, with the embedded RECRU sandbox.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the ATSBridge server (RPC API, sync engine, metrics).",
        discussion: """
            Settings come from flags, ATSBRIDGE_* environment variables and an optional JSON \
            config file, in that order of precedence (docs/configuration.md).

            Examples:
              atsbridge serve --demo
              atsbridge serve --demo --listen 127.0.0.1:0 --data-dir /tmp/demo \\
                --demo-api-key my-demo-key-0001
              atsbridge serve --config /etc/atsbridge.json
              export ATSBRIDGE_STORE='postgres://ats:…@db:5432/ats?sslmode=require'
              ATSBRIDGE_SYNC_INSTANCE_ID=bridge-1 atsbridge serve --config ats.json
              atsbridge serve --listen 0.0.0.0:7420 --tls-cert server.pem \\
                --tls-key server.key --tls-client-ca clients-ca.pem
              ATSBRIDGE_CREDENTIAL_KEY=$(atsbridge keygen) atsbridge serve \\
                --api-key admin:admin:$ADMIN_KEY \\
                --api-key jobboard:write:$JOBBOARD_KEY
            """
    )

    @Flag(help: "Start the embedded RECRU sandbox with seeded data, a demo integration and key, and sync it.")
    var demo = false

    @Option(help: "A JSON config file (keys as in docs/configuration.md).")
    var config: String?

    @Option(help: "Where to listen, HOST:PORT (default 127.0.0.1:7420; port 0 picks a free one).")
    var listen: String?

    @Option(
        help: """
            The store: sqlite:PATH (default sqlite:./data/atsbridge.sqlite), or \
            postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=require, shared by several servers \
            (docs/scale-out.md). Pass a URL with a password in ATSBRIDGE_STORE or the config file: \
            flags show in the process list.
            """
    )
    var store: String?

    @Option(help: "An API key to install, NAME:LEVEL:KEY[:INTEGRATION+…]; LEVEL read, write or admin. Repeatable.")
    var apiKey: [String] = []

    @Option(help: "The key sealing RECRU credentials: 64 hex digits or base64 of 32 bytes.")
    var credentialKey: String?

    @Option(help: "Default interval between syncs, e.g. 3h or 90m.")
    var syncInterval: String?

    @Option(help: "Most concurrent client connections.")
    var maxConnections: String?

    @Option(help: "Most concurrent calls per connection.")
    var maxStreamsPerConnection: String?

    @Option(help: "Largest RPC message in bytes.")
    var maxMessageBytes: String?

    @Option(help: "Where /metrics listens, HOST:PORT, or off (default 127.0.0.1:9464).")
    var metricsListen: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    @Option(help: "TLS on the RPC port: the server's certificate chain (PEM). Needs --tls-key.")
    var tlsCert: String?

    @Option(help: "TLS: the server's private key (PEM, owner-only).")
    var tlsKey: String?

    @Option(help: "Mutual TLS: CA certificates (PEM) that client certificates must chain to.")
    var tlsClientCa: String?

    @Option(
        help:
            "A host, address or network (10.0.0.0/8) attachment downloads may reach although internal, and over http. Repeatable."
    )
    var attachmentAllow: [String] = []

    @Option(help: "Most attachment downloads at once, server-wide (default 8).")
    var attachmentMaxDownloads: String?

    @Flag(help: "Refuse to start when the store, its folder or key files are open to other users (default: warn).")
    var strictFileModes = false

    @Option(help: "With --demo: where the demo keeps its store and credential key (default ./data/demo).")
    var dataDir: String?

    @Option(help: "With --demo: the demo API key (admin level).")
    var demoApiKey: String?

    @Option(help: "With --demo: the sandbox's size, small, medium or large (default small).")
    var demoSize: String?

    func validate() throws {
        if !self.demo, self.dataDir != nil || self.demoApiKey != nil || self.demoSize != nil {
            throw ValidationError("--data-dir, --demo-api-key and --demo-size need --demo")
        }
        if let key = self.demoApiKey, key.count < 16 {
            throw ValidationError("--demo-api-key must be at least 16 characters")
        }
        if let size = self.demoSize, SandboxSize(preset: size) == nil {
            throw ValidationError("--demo-size must be small, medium or large")
        }
    }

    func run() async throws {
        var flags: [String: String] = [:]
        let values: [(String, String?)] = [
            ("listen", self.listen), ("store", self.store), ("credential_key", self.credentialKey),
            ("sync_interval", self.syncInterval), ("max_connections", self.maxConnections),
            ("max_streams_per_connection", self.maxStreamsPerConnection), ("max_message_bytes", self.maxMessageBytes),
            ("metrics_listen", self.metricsListen), ("log_level", self.logLevel),
            ("api_keys", self.apiKey.isEmpty ? nil : self.apiKey.joined(separator: ",")),
            ("tls_cert", self.tlsCert), ("tls_key", self.tlsKey), ("tls_client_ca", self.tlsClientCa),
            ("attachment_allow", self.attachmentAllow.isEmpty ? nil : self.attachmentAllow.joined(separator: ",")),
            ("attachment_max_downloads", self.attachmentMaxDownloads),
            ("strict_file_modes", self.strictFileModes ? "true" : nil),
        ]
        for case (let key, let value?) in values { flags[key] = value }
        try await CLIFailure.run {
            let configuration = try ServeConfiguration.load(
                file: self.config,
                environment: ProcessInfo.processInfo.environment,
                flags: flags
            )
            var demo: DemoOptions?
            if self.demo {
                var options = DemoOptions()
                if let dataDir = self.dataDir { options.dataDirectory = dataDir }
                if let key = self.demoApiKey { options.apiKey = key }
                options.size = self.demoSize.flatMap(SandboxSize.init(preset:)) ?? .small
                demo = options
            }
            let level = configuration.logLevel
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            // Both backends are chosen here, in the command's main, never in library code.
            let metrics = MetricsRegistry()
            if configuration.metrics.listen != nil { MetricsSystem.bootstrap(metrics.factory) }
            let logger = Logger(label: "atsbridge")
            try await ServerApplication.run(configuration, demo: demo, metrics: metrics, logger: logger) { ready in
                Terminal.line(Banner.text(ready))
            }
        }
    }
}

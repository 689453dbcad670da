public import ATSBridgeAPI
public import ATSBridgeCore
public import ATSBridgeRECRU
import ATSBridgeRPC
public import ATSBridgeServer
public import ATSBridgeSync
import Foundation
public import Logging

/// Configuration of `atsbridge serve`: the components' own configurations, nested, so that the
/// application hands each component its part. Every setting has a documented default
/// (docs/configuration.md); sources, later ones winning: defaults, the config file, `ATSBRIDGE_*`
/// environment variables, flags (``load(file:environment:flags:)``).
public struct ServeConfiguration: Sendable {
    /// The RPC server. Settings: `listen` (default `127.0.0.1:7420`), `max_connections`
    /// (1024), `max_streams_per_connection` (100), `max_message_bytes` (16 MiB: room for a
    /// 10 MB attachment), and TLS: `tls_cert`, `tls_key`, `tls_client_ca` (default none).
    public var server: RPCServerConfiguration
    /// The sync engine. Settings: `sync_interval`, its default interval (3 hours);
    /// `sync_instance_id` (the host name), `sync_lease_duration` (60 s), `sync_lease_renewal`
    /// (15 s), `sync_fetch_concurrency` (4) and `integration_pacing` (none).
    public var sync = SyncConfiguration()
    /// The RECRU adapter's clients. Settings: `recru_requests_per_second` (10, the ceiling of
    /// the adaptive rate) and `recru_unavailability_budget` (5 minutes).
    public var recru = RECRUAdapterConfiguration()
    /// The write commands' attachment downloads. Settings: `attachment_allow` (hosts and
    /// networks reachable although internal, and over http; default none) and
    /// `attachment_max_downloads` (8).
    public var write = WriteConfiguration()
    /// The store: `sqlite:PATH`, or `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=…`
    /// shared by several servers (docs/scale-out.md). Defaults to `sqlite:./data/atsbridge.sqlite`.
    public var store = StoreLocation.sqlite(path: "./data/atsbridge.sqlite")
    /// PostgreSQL: the most connections this server opens to the database. Setting:
    /// `store_max_connections`. Defaults to the store's 16.
    public var storeMaxConnections: Int?
    /// The Prometheus `/metrics` endpoint.
    public var metrics = MetricsConfiguration()
    /// API keys to install at start-up (stored hashed). Defaults to none.
    public var apiKeys: [APIKey] = []
    /// The AES-256 key that seals RECRU credentials: 64 hex digits or base64 of 32 bytes.
    /// Required, except with `--demo` (which keeps one in its data directory).
    public var credentialKey: String?
    /// Refuse to start when the store, its directory or key files are readable by others,
    /// instead of warning. Setting: `strict_file_modes`. Defaults to `false`.
    public var strictFileModes = false
    /// The log level. Defaults to `info`.
    public var logLevel: Logger.Level = .info

    /// Creates the defaults.
    public init() {
        self.server = RPCServerConfiguration()
        self.maxMessageBytes = 16 << 20
        // Stable across restarts, so a restarted server takes its own sync leases back at once.
        self.sync.instanceID = ProcessInfo.processInfo.hostName
    }

    /// Where the RPC server listens.
    public var listen: HostPort {
        get { HostPort(host: self.server.host, port: self.server.port) }
        set {
            self.server.host = newValue.host
            self.server.port = newValue.port
        }
    }

    /// The largest RPC message, in bytes; frames may be 64 KiB larger, so that a message
    /// slightly over the limit costs its stream, not the connection.
    public var maxMessageBytes: Int {
        get { self.server.connection.maxMessageSize }
        set {
            self.server.connection.maxMessageSize = newValue
            self.server.connection.maxFrameSize = newValue + (64 << 10)
        }
    }
}

/// Configuration of the Prometheus `/metrics` endpoint.
public struct MetricsConfiguration: Sendable, Hashable {
    /// Where it listens, or `nil` for none. Setting: `metrics_listen` (`off` for none).
    /// Defaults to `127.0.0.1:9464`.
    public var listen: HostPort? = HostPort(host: "127.0.0.1", port: 9464)

    /// Creates the defaults.
    public init() {}
}

/// A host and port, written `HOST:PORT`.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// The host or address.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` (or `[IPv6]:PORT`).
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` naming `field`.
    public init(parsing text: String, field: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw ATSBridgeError(.inputInvalid, "\(field) must be HOST:PORT with a port from 0 to 65535, not '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ATSBridgeError(.inputInvalid, "\(field) needs a host, as in 127.0.0.1:7420") }
        self.init(host: host, port: port)
    }

    /// `HOST:PORT`.
    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}

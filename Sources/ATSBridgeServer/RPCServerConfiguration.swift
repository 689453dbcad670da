public import ATSBridgeRPC

/// Configuration of the RPC server.
public struct RPCServerConfiguration: Sendable {
    /// The address to listen on. Defaults to `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// The port to listen on; `0` picks a free one. Defaults to `7420`.
    public var port: Int = 7420
    /// The most connections open at once; more are closed on accept. Defaults to `1024`.
    public var maxConnections: Int = 1024
    /// Per-connection limits and timeouts.
    public var connection: ConnectionLimits = .defaults
    /// TLS (optionally mutual) on the port, or `nil` for plain TCP. Defaults to `nil`; binding a
    /// non-loopback address without TLS logs a warning.
    public var tls: RPCServerTLS?
    /// How long running calls may take to finish after a shutdown starts. Defaults to 10 s.
    public var shutdownGracePeriod: Duration = .seconds(10)

    /// Creates a configuration with every default.
    public init() {}

    /// The default configuration.
    public static var defaults: Self { .init() }
}

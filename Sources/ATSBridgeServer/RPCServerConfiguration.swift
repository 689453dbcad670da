public import ATSBridgeRPC

/// Configuration of the RPC server.
public struct RPCServerConfiguration: Sendable {
    /// The address to listen on. Defaults to `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// The port to listen on; `0` picks a free one. Defaults to `7420`.
    public var port: Int = 7420
    /// The most connections open at once; more are closed on accept. Defaults to `1024`.
    public var maxConnections: Int = 1024
    /// The most connections open at once from one client address; more are refused like those
    /// over ``maxConnections``. Defaults to `128`.
    public var maxConnectionsPerAddress: Int = 128
    /// The most bytes of request messages the server holds at once, over all connections
    /// (read, and not yet released by calls that ended); beyond it connections stop reading
    /// their sockets until calls end. Defaults to 128 MiB.
    public var maxBufferedRequestBytes: Int = 128 << 20
    /// The most bytes of pages the server holds for lists and gets of pages at once, over all
    /// calls (read from the store and not yet written to the socket); beyond it page reads
    /// wait until sent pages free room. The bytes held stay under it plus one page per
    /// concurrent store read. Defaults to 256 MiB.
    public var maxBufferedResponseBytes: Int = 256 << 20
    /// The most of those bytes one connection's calls may hold; beyond it that connection's
    /// page reads wait until its own pages are written. Defaults to 64 MiB.
    public var maxConnectionResponseBytes: Int = 64 << 20
    /// The most of those bytes the calls of one API key may hold, over all its connections;
    /// beyond it that key's page reads wait until its own pages are written. Defaults to
    /// 128 MiB, so that one key never holds more than half of the default budget.
    public var maxKeyResponseBytes: Int = 128 << 20
    /// Requests per second one API key may make, with a burst of as many; `0` for no limit.
    /// Over it, calls end with RESOURCE_EXHAUSTED (`PLATFORM.RATE_LIMIT_EXCEEDED`). Defaults
    /// to `1000`.
    public var keyRequestsPerSecond: Int = 1000
    /// The most write calls (methods needing a write key) running at once across the server;
    /// more end with RESOURCE_EXHAUSTED. Defaults to `32`.
    public var maxConcurrentWrites: Int = 32
    /// Per-connection limits and timeouts.
    public var connection: ConnectionLimits = .defaults
    /// TLS (optionally mutual) on the port, or `nil` for plain TCP. Defaults to `nil`; binding a
    /// non-loopback address without TLS logs a warning.
    public var tls: RPCServerTLS?
    /// Whether a connection's unary calls run on the connection's event loop rather than on
    /// Swift's cooperative pool: two thread wake-ups fewer per call (lower latency), while
    /// handlers, which never block, still hand store and HTTP work to their own threads.
    /// Streaming calls always run on the pool. Defaults to `true`.
    public var runsCallsOnEventLoops: Bool = true
    /// How long running calls may take to finish after a shutdown starts. Defaults to 10 s.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// How often the key of a call that never ends by itself (`Changes/Watch`) is checked again,
    /// so that revoking the key, or narrowing what it may read, ends the call. Defaults to 10 s.
    public var keyRecheckInterval: Duration = .seconds(10)

    /// Creates a configuration with every default.
    public init() {}

    /// The default configuration.
    public static var defaults: Self { .init() }
}

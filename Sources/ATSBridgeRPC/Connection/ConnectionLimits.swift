/// Per-connection limits and timeouts of the RPC protocol (docs/protocol.md §1.2, §4).
public struct ConnectionLimits: Sendable, Hashable {
    /// The largest message accepted, in bytes. Defaults to 4 MiB.
    public var maxMessageSize: Int = 4 << 20
    /// The largest frame payload accepted, in bytes. Defaults to 4 MiB + 64 KiB, so that a
    /// message slightly over ``maxMessageSize`` costs its stream, not the connection.
    public var maxFrameSize: Int = (4 << 20) + (64 << 10)
    /// The most calls open at once on one connection. Defaults to `100`.
    public var maxConcurrentStreams: Int = 100
    /// Messages a peer may send on a new stream before it needs credit. Defaults to `32`
    /// for a client; servers announce `1` (a call has one request message).
    public var initialCredit: Int = 32
    /// How long a peer has to send its preface and settings. Defaults to 10 seconds.
    public var handshakeTimeout: Duration = .seconds(10)
    /// How long a connection with no calls may stay open. Defaults to 5 minutes.
    public var idleTimeout: Duration = .seconds(300)
    /// The most bytes of request messages one connection may hold (read, and not yet released
    /// by calls that ended); beyond it the server stops reading the connection. Defaults to
    /// 32 MiB.
    public var maxBufferedRequestBytes: Int = 32 << 20
    /// The largest request message of a method that needs no API key (Health/Ping). Defaults
    /// to 1 KiB.
    public var maxUnauthenticatedMessageSize: Int = 1 << 10
    /// How long an opened call may wait for its request message before it fails with
    /// DEADLINE_EXCEEDED. Defaults to 10 seconds.
    public var requestTimeout: Duration = .seconds(10)
    /// How long a stream may wait for credit, or for the socket to take writes, before it is
    /// cancelled with RESOURCE_EXHAUSTED. Defaults to 60 seconds.
    public var creditStallTimeout: Duration = .seconds(60)
    /// PINGs a peer may send per second, with a burst of as many; more is a connection error.
    /// Defaults to `10`.
    public var maxPingsPerSecond: Int = 10
    /// Client: how long a call may wait with nothing at all received on its connection before
    /// the client checks the connection with a PING (`nil`: only when a call's deadline passes).
    /// Defaults to 30 seconds.
    public var keepaliveInterval: Duration? = .seconds(30)
    /// Client: how long a PING's ACK may take before the connection is taken for dead (a peer
    /// or network that went silent without closing): it is closed, its calls fail with
    /// UNAVAILABLE, and the next call opens a new one. Defaults to 5 seconds.
    public var keepaliveTimeout: Duration = .seconds(5)

    /// Creates limits with every default.
    public init() {}

    /// The default limits.
    public static var defaults: Self { .init() }
}

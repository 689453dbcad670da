public import ATSBridgeRPC

/// Configuration of the RPC client.
public struct RPCClientConfiguration: Sendable {
    /// The server's host. Defaults to `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// The server's port. Defaults to `7420`.
    public var port: Int = 7420
    /// TLS to the server, or `nil` for plain TCP. Defaults to `nil`.
    public var tls: RPCClientTLS?
    /// The API key sent with every call, if any.
    public var apiKey: String?
    /// The integration used when a call's options name none.
    public var integrationID: String?
    /// The timeout of calls whose options name none; `nil` means none. Defaults to `nil`.
    public var defaultTimeout: Duration?
    /// Limits: the largest response message, and the credit granted per stream.
    public var connection: ConnectionLimits = .defaults
    /// Reconnection with exponential backoff.
    public var backoff = Backoff()

    /// Exponential backoff between connection attempts.
    public struct Backoff: Sendable, Hashable {
        /// The first delay. Defaults to 50 ms.
        public var initial: Duration = .milliseconds(50)
        /// The longest delay. Defaults to 2 seconds.
        public var maximum: Duration = .seconds(2)
        /// How much each delay grows. Defaults to `2`.
        public var multiplier: Double = 2
        /// How long to keep trying before a call fails with UNAVAILABLE. Defaults to 10 s.
        public var giveUpAfter: Duration = .seconds(10)

        /// Creates a backoff with every default.
        public init() {}
    }

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 7420,
        apiKey: String? = nil,
        integrationID: String? = nil,
        tls: RPCClientTLS? = nil
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.apiKey = apiKey
        self.integrationID = integrationID
    }
}

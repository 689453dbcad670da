/// Options of one call.
public struct CallOptions: Sendable, Hashable {
    /// How long the call may take; the server is told, and the client also enforces it.
    /// `nil` uses the client's ``RPCClientConfiguration/defaultTimeout``.
    public var timeout: Duration?
    /// The integration the call reads or writes. `nil` uses the client's default.
    public var integrationID: String?
    /// The idempotency key of a write command.
    public var idempotencyKey: String?
    /// A request id for correlating logs.
    public var requestID: String?
    /// Further metadata.
    public var metadata: [String: String]

    /// Creates options.
    public init(
        timeout: Duration? = nil,
        integrationID: String? = nil,
        idempotencyKey: String? = nil,
        requestID: String? = nil,
        metadata: [String: String] = [:]
    ) {
        self.timeout = timeout
        self.integrationID = integrationID
        self.idempotencyKey = idempotencyKey
        self.requestID = requestID
        self.metadata = metadata
    }
}

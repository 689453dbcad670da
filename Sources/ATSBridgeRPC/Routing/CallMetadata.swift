/// The metadata of a call, from its CALL_OPEN frame. The API key is not kept here: it is
/// checked once and replaced by the ``ServerContext/principal``.
public struct CallMetadata: Sendable, Hashable {
    /// The integration the call reads or writes.
    public var integrationID: String?
    /// The idempotency key of a write.
    public var idempotencyKey: String?
    /// The caller's request id, for correlating logs.
    public var requestID: String?
    /// Further metadata entries.
    public var extra: [String: String]

    /// Creates metadata.
    public init(
        integrationID: String? = nil,
        idempotencyKey: String? = nil,
        requestID: String? = nil,
        extra: [String: String] = [:]
    ) {
        self.integrationID = integrationID
        self.idempotencyKey = idempotencyKey
        self.requestID = requestID
        self.extra = extra
    }
}

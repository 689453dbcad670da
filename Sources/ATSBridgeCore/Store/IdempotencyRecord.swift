/// The remembered outcome of a write command with an idempotency key.
public struct IdempotencyRecord: Sendable, Hashable {
    /// The integration the write was for.
    public var integrationID: String
    /// The client's key.
    public var key: String
    /// SHA-256 of the request body, to reject the same key with another body.
    public var requestHash: [UInt8]
    /// The encoded response, once the write completed; `nil` while it is in flight.
    public var response: [UInt8]?
    /// When the record was created (ms since epoch).
    public var createdAt: Int64

    /// Creates a record.
    public init(integrationID: String, key: String, requestHash: [UInt8], response: [UInt8]?, createdAt: Int64) {
        self.integrationID = integrationID
        self.key = key
        self.requestHash = requestHash
        self.response = response
        self.createdAt = createdAt
    }
}

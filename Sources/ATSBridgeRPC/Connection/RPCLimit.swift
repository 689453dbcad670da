/// An abuse limit of the server, as the `limit` label of `atsbridge_rpc_limit_hits_total`
/// (docs/security.md, Limits, lists each with its default and setting).
package enum RPCLimit: String, Sendable, CaseIterable {
    /// A connection over `max_connections`.
    case connections
    /// A connection over `max_connections_per_address`.
    case connectionsPerAddress = "connections_per_address"
    /// The handshake did not complete within the handshake timeout.
    case handshakeTimeout = "handshake_timeout"
    /// A connection without calls was closed after the idle timeout.
    case idleTimeout = "idle_timeout"
    /// A call over `max_streams_per_connection`.
    case concurrentStreams = "concurrent_streams"
    /// A request message over `max_message_bytes`.
    case messageSize = "message_size"
    /// A request over the small limit of methods that need no key.
    case unauthenticatedMessageSize = "unauthenticated_message_size"
    /// A connection stopped reading: its buffered request messages reached its share.
    case connectionRequestMemory = "connection_request_memory"
    /// A connection stopped reading: the server's buffered request messages reached the cap.
    case requestMemory = "request_memory"
    /// A page read waited: the server's pages read and not yet sent reached the cap.
    case responseMemory = "response_memory"
    /// A page read waited: its connection's pages read and not yet sent reached its share.
    case connectionResponseMemory = "connection_response_memory"
    /// A page read waited: its API key's pages read and not yet sent reached its share.
    case keyResponseMemory = "key_response_memory"
    /// An opened call whose request message did not arrive in time.
    case requestTimeout = "request_timeout"
    /// A stream cancelled because the client granted no credit (or read nothing) in time.
    case creditStall = "credit_stall"
    /// A connection closed because, while list pages waited in its socket, its peer read next
    /// to nothing for the stall timeout.
    case connectionStall = "connection_stall"
    /// A PING whose payload is not 8 bytes.
    case pingPayload = "ping_payload"
    /// More PINGs than the PING rate allows.
    case pingFlood = "ping_flood"
    /// A call over its key's request rate.
    case keyRate = "key_rate"
    /// A write call over the server's cap of concurrent writes.
    case concurrentWrites = "concurrent_writes"
}

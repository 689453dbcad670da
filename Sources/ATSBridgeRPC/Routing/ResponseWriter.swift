public import ATSBridgeCore
public import ATSBridgeProto

/// Sends the responses of a server-streaming call.
///
/// ``write(_:)`` suspends while the client has granted no credit or the connection's socket
/// buffer is full, so a handler never runs ahead of a slow client. It throws when the call is
/// cancelled (client cancel, deadline, disconnect or shutdown).
public struct ResponseWriter<Response: ProtoMessage>: Sendable {
    let stream: ServerStream
    let method: String

    /// Sends one response message.
    public func write(_ message: Response) async throws {
        try await self.writeEncoded(try message.encode())
    }

    /// Waits until the client can take another message (it granted credit and its socket takes
    /// writes) without sending one: a handler calls it before it reads what it would send, so
    /// that a client that reads nothing makes the server read (and hold) nothing. A client that
    /// grants no credit for the stall timeout gets its stream cancelled, as with ``write(_:)``.
    public func waitUntilClientReady() async throws {
        try await self.stream.waitUntilReady()
    }

    /// How many more messages the client has granted credit for: a handler reads ahead no more
    /// than it can send.
    public var availableCredit: Int { self.stream.availableCredit }

    /// Sends one response message that is already encoded, such as stored record bytes.
    ///
    /// - Parameters:
    ///   - bytes: A valid encoding of `Response`; it is sent as it is.
    ///   - memory: The read memory the bytes hold (a page's ``RecordPage/memory``): released
    ///     once they are written to the socket, or when the call ends without sending them.
    public func writeEncoded(_ bytes: [UInt8], holding memory: ReadMemoryCharge? = nil) async throws {
        try await self.stream.sendMessage(bytes, memory: memory)
        RPCMetrics.messageSent(method: self.method, bytes: bytes.count)
    }
}

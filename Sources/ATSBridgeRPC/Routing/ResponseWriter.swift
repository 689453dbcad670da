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

    /// Sends one response message that is already encoded, such as stored record bytes.
    ///
    /// - Parameter bytes: A valid encoding of `Response`; it is sent as it is.
    public func writeEncoded(_ bytes: [UInt8]) async throws {
        try await self.stream.sendMessage(bytes)
        RPCMetrics.messageSent(method: self.method, bytes: bytes.count)
    }
}

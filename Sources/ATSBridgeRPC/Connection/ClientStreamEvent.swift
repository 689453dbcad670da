package import ATSBridgeProto
package import NIOCore

/// What a client call receives on its stream.
package enum ClientStreamEvent: Sendable {
    /// One response message, still encoded.
    case message(ByteBuffer)
    /// The call's final status.
    case status(Status)
    /// A unary call's response (if any) and status, delivered together so the caller wakes
    /// once, not twice.
    case unaryResult(ByteBuffer?, Status)
}

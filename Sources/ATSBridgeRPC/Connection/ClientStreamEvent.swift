package import ATSBridgeProto
package import NIOCore

/// What a client call receives on its stream.
package enum ClientStreamEvent: Sendable {
    /// One response message, still encoded.
    case message(ByteBuffer)
    /// The call's final status.
    case status(Status)
}

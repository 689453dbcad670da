package import ATSBridgeProto
package import NIOCore

extension ByteBuffer {
    /// Writes a frame header for a payload of `length` bytes.
    package mutating func writeFrameHeader(type: FrameType, flags: FrameFlags = [], streamID: UInt32, length: Int) {
        self.writeMultipleIntegers(UInt32(length), type.rawValue, flags.rawValue, streamID)
    }

    /// Writes a whole frame with the given payload bytes.
    package mutating func writeFrame(
        type: FrameType,
        flags: FrameFlags = [],
        streamID: UInt32,
        payload: some Collection<UInt8>
    ) {
        self.writeFrameHeader(type: type, flags: flags, streamID: streamID, length: payload.count)
        self.writeBytes(payload)
    }

    /// Writes a frame whose payload is `message`, encoded.
    package mutating func writeFrame(
        type: FrameType,
        flags: FrameFlags = [],
        streamID: UInt32,
        message: some ProtoMessage
    ) throws(ProtoCodecError) {
        let bytes = try message.encode()
        self.writeFrame(type: type, flags: flags, streamID: streamID, payload: bytes)
    }

    /// Writes what each side sends first: the preface and its SETTINGS frame (docs/protocol.md
    /// §1.1).
    package mutating func writeOpening(settings: Settings) {
        self.writeBytes(ConnectionPreface.bytes)
        try? self.writeFrame(type: .settings, streamID: 0, message: settings)
    }

    /// Writes a CREDIT frame granting `count` messages.
    package mutating func writeCreditFrame(streamID: UInt32, count: UInt32) {
        self.writeFrameHeader(type: .credit, streamID: streamID, length: 4)
        self.writeInteger(count)
    }
}

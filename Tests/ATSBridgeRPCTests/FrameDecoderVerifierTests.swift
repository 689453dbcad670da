import ATSBridgeProto
import ATSBridgeRPC
import NIOCore
import NIOTestUtils
import Testing

/// The frame decoder under NIO's `ByteToMessageDecoderVerifier`, which feeds the same bytes in
/// every split (byte by byte, in halves, all at once, in shuffled order) and checks the decoded
/// events and that no bytes are left over. The order of frames is free, so the decoders it makes
/// have read the preface already (the preface has its own tests).
@Suite struct FrameDecoderVerifierTests {
    private static func decoder(maxMessageSize: Int) -> FrameDecoder {
        var decoder = FrameDecoder(maxFrameSize: 1 << 16, maxMessageSize: maxMessageSize)
        var preface = ByteBuffer(bytes: ConnectionPreface.bytes)
        let event = try? decoder.decode(buffer: &preface)
        precondition(event == .preface, "the preface must decode")
        return decoder
    }

    private static func frame(_ type: FrameType, flags: FrameFlags = [], _ streamID: UInt32, _ payload: [UInt8])
        -> (ByteBuffer, FrameDecoder.Event)
    {
        var buffer = ByteBuffer()
        buffer.writeFrame(type: type, flags: flags, streamID: streamID, payload: payload)
        let event = FrameDecoder.Event.frame(
            Frame(type: type, flags: flags, streamID: streamID, payload: ByteBuffer(bytes: payload))
        )
        return (buffer, event)
    }

    @Test func prefaceAndFramesDecodeInEverySplit() throws {
        let settings = Self.frame(.settings, 0, try Settings(initialCredit: 4).encode())
        let open = Self.frame(.callOpen, 1, try CallOpen(method: "/a.B/C").encode())
        let message = Self.frame(.message, flags: .endStream, 1, [1, 2, 3])
        let empty = Self.frame(.cancel, 1, [])
        let unknown = Self.frame(FrameType(rawValue: 0x42), 0, [9, 9])
        var credit = ByteBuffer()
        credit.writeCreditFrame(streamID: 1, count: 7)
        var creditPayload = ByteBuffer()
        creditPayload.writeInteger(UInt32(7))
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (settings.0, [settings.1]),
                (open.0, [open.1]),
                (message.0, [message.1]),
                (credit, [.frame(Frame(type: .credit, streamID: 1, payload: creditPayload))]),
                (empty.0, [empty.1]),
                (unknown.0, [unknown.1]),
            ],
            decoderFactory: { Self.decoder(maxMessageSize: 1 << 16) }
        )
    }

    @Test func oversizedMessagesAreSkippedInEverySplit() throws {
        let big = Self.frame(.message, 3, [UInt8](repeating: 5, count: 300))
        let next = Self.frame(.message, 5, [1])
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (big.0, [.oversizedMessage(streamID: 3, length: 300)]),
                (next.0, [next.1]),
            ],
            decoderFactory: { Self.decoder(maxMessageSize: 100) }
        )
    }
}

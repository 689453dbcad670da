import ATSBridgeProto
import ATSBridgeRPC
import NIOCore
import Testing

@Suite struct FrameDecoderTests {
    private func decodeAll(_ bytes: [UInt8], chunk: Int, maxFrame: Int = 1 << 20, maxMessage: Int = 1 << 20) throws
        -> [FrameDecoder.Event]
    {
        var decoder = FrameDecoder(maxFrameSize: maxFrame, maxMessageSize: maxMessage)
        var buffer = ByteBuffer()
        var events: [FrameDecoder.Event] = []
        var offset = 0
        while offset < bytes.count {
            buffer.writeBytes(bytes[offset..<min(bytes.count, offset + chunk)])
            offset += chunk
            while let event = try decoder.decode(buffer: &buffer) { events.append(event) }
            buffer.discardReadBytes()
        }
        return events
    }

    private var sample: [UInt8] {
        var buffer = ByteBuffer(bytes: ConnectionPreface.bytes)
        buffer.writeFrame(type: .settings, streamID: 0, payload: [])
        buffer.writeFrame(type: .message, flags: .endStream, streamID: 7, payload: [1, 2, 3])
        buffer.writeCreditFrame(streamID: 7, count: 9)
        return Array(buffer.readableBytesView)
    }

    @Test(arguments: [1, 2, 3, 7, 64])
    func framesSurviveAnyChunking(chunk: Int) throws {
        let events = try self.decodeAll(self.sample, chunk: chunk)
        #expect(events.count == 4)
        guard case .preface = events[0], case .frame(let message) = events[2], case .frame(let credit) = events[3]
        else {
            Issue.record("unexpected events \(events)")
            return
        }
        #expect(message.type == .message && message.streamID == 7 && message.flags.contains(.endStream))
        #expect(Array(message.payload.readableBytesView) == [1, 2, 3])
        #expect(
            credit.type == .credit && credit.payload.getInteger(at: credit.payload.readerIndex, as: UInt32.self) == 9
        )
    }

    @Test func wrongPrefaceFailsAtTheFirstWrongByte() {
        #expect(throws: ProtocolViolation.self) { _ = try self.decodeAll(Array("GET".utf8), chunk: 1) }
    }

    @Test func oversizedFrameFailsFromTheHeaderAlone() {
        var buffer = ByteBuffer(bytes: ConnectionPreface.bytes)
        buffer.writeFrameHeader(type: .message, streamID: 1, length: 1 << 30)
        #expect(throws: ProtocolViolation.self) { _ = try self.decodeAll(Array(buffer.readableBytesView), chunk: 100) }
    }

    @Test func oversizedMessageIsSkippedWithoutBuffering() throws {
        var buffer = ByteBuffer(bytes: ConnectionPreface.bytes)
        buffer.writeFrame(type: .message, streamID: 1, payload: [UInt8](repeating: 9, count: 5000))
        buffer.writeFrame(type: .message, streamID: 3, payload: [1])
        let events = try self.decodeAll(Array(buffer.readableBytesView), chunk: 512, maxFrame: 8192, maxMessage: 100)
        #expect(events.count == 3)
        if case .oversizedMessage(let id, let length) = events[1] {
            #expect(id == 1 && length == 5000)
        } else {
            Issue.record("expected an oversized-message event")
        }
        if case .frame(let frame) = events[2] { #expect(frame.streamID == 3) }
    }
}

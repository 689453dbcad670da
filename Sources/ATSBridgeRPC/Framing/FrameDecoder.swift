import ATSBridgeProto
package import NIOCore

/// Splits the byte stream into the preface and frames (docs/protocol.md §1.1, §2.1).
///
/// The payload length is checked against `maxFrameSize` from the header, before the payload is
/// buffered. A MESSAGE within the frame limit but over `maxMessageSize` is not buffered either:
/// its bytes are skipped as they arrive and an ``Event/oversizedMessage(streamID:length:)``
/// lets the connection reset that one stream.
package struct FrameDecoder: NIOSingleStepByteToMessageDecoder {
    package enum Event: Sendable, Equatable {
        case preface
        case frame(Frame)
        case oversizedMessage(streamID: UInt32, length: Int)
        /// A MESSAGE the server's request-memory budget cannot hold; its bytes were skipped.
        case refusedMessage(streamID: UInt32, length: Int)
    }

    package typealias InboundOut = Event

    private enum State {
        case preface
        case frames
        case skipping(remaining: Int)
    }

    private var state: State = .preface
    package var maxFrameSize: Int
    package var maxMessageSize: Int
    /// Reserves each MESSAGE's bytes before they are buffered (servers); `nil` for none.
    private let admission: RequestAdmission?
    /// Whether the MESSAGE whose payload is awaited has its bytes reserved.
    private var reserved = false

    package init(maxFrameSize: Int, maxMessageSize: Int, admission: RequestAdmission? = nil) {
        self.maxFrameSize = maxFrameSize
        self.maxMessageSize = maxMessageSize
        self.admission = admission
    }

    package mutating func decode(buffer: inout ByteBuffer) throws -> Event? {
        switch self.state {
        case .preface:
            // Compare byte by byte so that a wrong peer is refused at its first wrong byte.
            let expected = ConnectionPreface.bytes
            let available = min(buffer.readableBytes, expected.count)
            for index in 0..<available
            where buffer.getInteger(at: buffer.readerIndex + index, as: UInt8.self) != expected[index] {
                throw ProtocolViolation(
                    .unavailable,
                    "the peer does not speak ATSBridge RPC v1",
                    silent: true,
                    wrongPeer: true
                )
            }
            guard available == expected.count else { return nil }
            buffer.moveReaderIndex(forwardBy: expected.count)
            self.state = .frames
            return .preface

        case .skipping(let remaining):
            let skipped = min(remaining, buffer.readableBytes)
            buffer.moveReaderIndex(forwardBy: skipped)
            self.state = remaining == skipped ? .frames : .skipping(remaining: remaining - skipped)
            return remaining == skipped ? try self.decode(buffer: &buffer) : nil

        case .frames:
            guard buffer.readableBytes >= Frame.headerSize,
                let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
                let type = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt8.self),
                let flags = buffer.getInteger(at: buffer.readerIndex + 5, as: UInt8.self),
                let streamID = buffer.getInteger(at: buffer.readerIndex + 6, as: UInt32.self)
            else { return nil }
            guard length <= self.maxFrameSize else {
                throw ProtocolViolation(
                    .resourceExhausted,
                    "frame of \(length) bytes exceeds the maximum frame size of \(self.maxFrameSize)",
                    limit: .messageSize
                )
            }
            let frameType = FrameType(rawValue: type)
            // Only MESSAGE frames are large; the rest would be buffered whole before they are read.
            guard frameType == .message || length <= Frame.maxControlPayloadSize else {
                throw ProtocolViolation(
                    .resourceExhausted,
                    "a \(frameType) frame of \(length) bytes exceeds the \(Frame.maxControlPayloadSize / 1024) KiB "
                        + "limit of frames other than MESSAGE",
                    limit: .messageSize
                )
            }
            if frameType == .message, Int(length) > self.maxMessageSize {
                buffer.moveReaderIndex(forwardBy: Frame.headerSize)
                self.state = .skipping(remaining: Int(length))
                return .oversizedMessage(streamID: streamID, length: Int(length))
            }
            if frameType == .message, let admission = self.admission, !self.reserved {
                guard admission.reserve(Int(length)) else {
                    buffer.moveReaderIndex(forwardBy: Frame.headerSize)
                    self.state = .skipping(remaining: Int(length))
                    return .refusedMessage(streamID: streamID, length: Int(length))
                }
                self.reserved = true
            }
            guard buffer.readableBytes >= Frame.headerSize + Int(length) else { return nil }
            self.reserved = false
            buffer.moveReaderIndex(forwardBy: Frame.headerSize)
            let payload = buffer.readSlice(length: Int(length))!
            return .frame(
                Frame(type: frameType, flags: FrameFlags(rawValue: flags), streamID: streamID, payload: payload)
            )
        }
    }

    package mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> Event? {
        try self.decode(buffer: &buffer)
    }
}

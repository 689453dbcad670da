package import NIOCore

/// One frame: a 10-byte header and its payload (docs/protocol.md §2).
package struct Frame: Sendable, Equatable {
    /// Bytes in a frame header: length (4), type (1), flags (1), stream id (4).
    package static let headerSize = 10
    /// The largest payload of a frame other than MESSAGE (docs/protocol.md §2.1): SETTINGS,
    /// CALL_OPEN and the rest are small, so a receiver never buffers a large one.
    package static let maxControlPayloadSize = 64 * 1024

    package var type: FrameType
    package var flags: FrameFlags
    package var streamID: UInt32
    package var payload: ByteBuffer

    package init(type: FrameType, flags: FrameFlags = [], streamID: UInt32, payload: ByteBuffer) {
        self.type = type
        self.flags = flags
        self.streamID = streamID
        self.payload = payload
    }
}

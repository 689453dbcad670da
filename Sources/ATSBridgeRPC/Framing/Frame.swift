package import NIOCore

/// One frame: a 10-byte header and its payload (docs/protocol.md §2).
package struct Frame: Sendable, Equatable {
    /// Bytes in a frame header: length (4), type (1), flags (1), stream id (4).
    package static let headerSize = 10

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

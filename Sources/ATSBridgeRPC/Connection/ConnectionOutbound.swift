package import ATSBridgeCore
package import NIOCore

/// Receives frames written by calls' tasks; implemented by the server connection handler, and
/// only ever called on its event loop.
package protocol FrameSink: AnyObject {
    /// Writes `buffer` (whole frames of stream `streamID`, `messages` of them MESSAGE frames);
    /// with `finishing`, the stream wrote its last frame. Flushes are coalesced per tick.
    /// `memory` is released once the bytes are written to the socket (or dropped).
    func enqueue(_ buffer: ByteBuffer, streamID: UInt32, messages: Int, finishing: Bool, memory: ReadMemoryCharge?)

    /// Stream `streamID`'s handler decoded its request: the request memory it held is free.
    func requestDecoded(streamID: UInt32)
}

/// The write side of a connection, shared by the tasks of its calls.
///
/// Frames are encoded on the calling task, then handed to the event loop in one hop; the event
/// loop writes them and flushes once per tick, not once per message.
package final class ConnectionOutbound: Sendable {
    package let eventLoop: any EventLoop
    package let allocator: ByteBufferAllocator
    package let writability = WritabilityGate()
    /// How long a stream may wait for credit or writability before it is cancelled.
    package let stallTimeout: Duration
    private let sink: NIOLoopBound<any FrameSink>

    package init(
        eventLoop: any EventLoop,
        allocator: ByteBufferAllocator,
        sink: any FrameSink,
        stallTimeout: Duration = .seconds(60)
    ) {
        self.eventLoop = eventLoop
        self.allocator = allocator
        self.sink = NIOLoopBound(sink, eventLoop: eventLoop)
        self.stallTimeout = stallTimeout
    }

    /// Writes `buffer`, holding `messages` MESSAGE frames of `streamID`, on the event loop; with
    /// `finishing`, that stream is then done. `memory`, the read memory the bytes hold, is
    /// released once they are written to the socket.
    package func send(
        _ buffer: ByteBuffer,
        streamID: UInt32,
        messages: Int = 0,
        finishing: Bool = false,
        memory: ReadMemoryCharge? = nil
    ) {
        guard self.eventLoop.inEventLoop else {
            return self.eventLoop.execute {
                self.send(buffer, streamID: streamID, messages: messages, finishing: finishing, memory: memory)
            }
        }
        self.sink.value.enqueue(buffer, streamID: streamID, messages: messages, finishing: finishing, memory: memory)
    }

    /// Tells the connection, on the event loop, that stream `streamID` decoded its request.
    package func requestDecoded(streamID: UInt32) {
        if self.eventLoop.inEventLoop {
            self.sink.value.requestDecoded(streamID: streamID)
        } else {
            self.eventLoop.execute { self.sink.value.requestDecoded(streamID: streamID) }
        }
    }
}

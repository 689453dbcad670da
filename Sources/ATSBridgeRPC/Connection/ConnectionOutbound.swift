package import NIOCore

/// Receives frames written by calls' tasks; implemented by the connection handlers, and only
/// ever called on their event loop.
package protocol FrameSink: AnyObject {
    /// Writes `buffer` (whole frames); flushes are coalesced per event-loop tick.
    func enqueue(_ buffer: ByteBuffer)
    /// The stream wrote its last frame.
    func streamFinished(_ streamID: UInt32)
}

/// The write side of a connection, shared by the tasks of its calls.
///
/// Frames are encoded on the calling task, then handed to the event loop in one hop; the event
/// loop writes them and flushes once per tick, not once per message.
package final class ConnectionOutbound: Sendable {
    package let eventLoop: any EventLoop
    package let allocator: ByteBufferAllocator
    package let writability = WritabilityGate()
    private let sink: NIOLoopBound<any FrameSink>

    package init(eventLoop: any EventLoop, allocator: ByteBufferAllocator, sink: any FrameSink) {
        self.eventLoop = eventLoop
        self.allocator = allocator
        self.sink = NIOLoopBound(sink, eventLoop: eventLoop)
    }

    /// Writes `buffer` on the event loop; if `finishing` is set, that stream is then done.
    package func send(_ buffer: ByteBuffer, finishing streamID: UInt32? = nil) {
        if self.eventLoop.inEventLoop {
            self.deliver(buffer, finishing: streamID)
        } else {
            self.eventLoop.execute { self.deliver(buffer, finishing: streamID) }
        }
    }

    private func deliver(_ buffer: ByteBuffer, finishing streamID: UInt32?) {
        let sink = self.sink.value
        sink.enqueue(buffer)
        if let streamID { sink.streamFinished(streamID) }
    }
}

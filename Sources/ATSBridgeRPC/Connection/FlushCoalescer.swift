package import NIOCore

/// Writes frames and flushes once per event-loop tick instead of once per write: one syscall
/// per message would cap a connection at about 0.5 M messages/s (rpc-design.md §5.3).
///
/// Event-loop bound: used only by the connection handlers, on their loop.
package final class FlushCoalescer {
    private var flushScheduled = false

    package init() {}

    /// Writes `buffer` and schedules one flush for everything written in this tick; `promise`
    /// completes once the bytes are written to the socket (or dropped).
    package func write(
        _ buffer: ByteBuffer,
        context: ChannelHandlerContext,
        promise: EventLoopPromise<Void>? = nil
    ) {
        context.write(NIOAny(buffer), promise: promise)
        guard !self.flushScheduled else { return }
        self.flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            context.flush()
        }
    }
}

package import ATSBridgeCore
package import ATSBridgeProto
import NIOCore
import Synchronization

/// One call on a server connection, shared by the event loop and the call's task.
///
/// Exactly one STATUS is sent per stream: ``finish(_:as:)`` is first-wins, so a deadline, a
/// client cancel and the handler's own completion can race safely.
package final class ServerStream: Sendable {
    /// Why a call was cancelled from outside its handler.
    package enum CancelReason: Sendable, Hashable {
        case clientCancelled
        case deadlineExceeded
        case connectionClosed
        case shutdown
        /// The client granted no credit, or read nothing, for the stall timeout.
        case creditStalled
    }

    package let id: UInt32
    /// The largest response message the client accepts (its SETTINGS).
    package let maxMessageSize: Int
    private let outbound: ConnectionOutbound
    private let credit: CreditGate
    private let finished = Atomic<Bool>(false)
    private let cancelled = AsyncOneShot<CancelReason>()
    /// Completed by the first of: a cancellation from outside (its reason), or the handler
    /// finishing (`nil`).
    private let settled = AsyncOneShot<CancelReason?>()

    package init(id: UInt32, outbound: ConnectionOutbound, initialCredit: Int, maxMessageSize: Int) {
        self.id = id
        self.outbound = outbound
        self.credit = CreditGate(initial: initialCredit)
        self.maxMessageSize = maxMessageSize
    }

    /// Whether the stream has sent its STATUS or was closed without one.
    package var isFinished: Bool { self.finished.load(ordering: .acquiring) }

    /// Sends one MESSAGE, waiting for credit and for the socket to accept writes.
    ///
    /// - Parameter memory: The read memory `bytes` hold, released once they are written.
    /// - Throws: RESOURCE_EXHAUSTED when the message exceeds the client's limit; the closing
    ///   error once the stream is cancelled.
    package func sendMessage(_ bytes: [UInt8], memory: ReadMemoryCharge? = nil) async throws {
        try self.checkSize(bytes.count)
        try await self.waitToSend()
        var buffer = self.outbound.allocator.buffer(capacity: Frame.headerSize + bytes.count)
        buffer.writeFrame(type: .message, streamID: self.id, payload: bytes)
        guard !self.isFinished else { throw CancellationError() }
        self.outbound.send(buffer, streamID: self.id, messages: 1, memory: memory)
    }

    /// Sends the single response of a unary call and its STATUS OK, in one write.
    ///
    /// - Parameter memory: The read memory `bytes` hold, released once they are written.
    package func sendUnaryResponse(_ bytes: [UInt8], memory: ReadMemoryCharge? = nil) async throws {
        try self.checkSize(bytes.count)
        try await self.waitToSend()
        let status = try Status(code: .ok).encode()
        var buffer = self.outbound.allocator.buffer(capacity: 2 * Frame.headerSize + bytes.count + status.count)
        buffer.writeFrame(type: .message, flags: .endStream, streamID: self.id, payload: bytes)
        buffer.writeFrame(type: .status, streamID: self.id, payload: status)
        guard self.markFinished() else { throw CancellationError() }
        self.outbound.send(buffer, streamID: self.id, messages: 1, finishing: true, memory: memory)
    }

    /// The messages the client has granted credit for and not yet received.
    package var availableCredit: Int { self.credit.available }

    /// Waits until the client can take a message (it has credit left and the socket takes
    /// writes), without taking the credit, with the same stall timeout as a send.
    package func waitUntilReady() async throws {
        try await self.waitToSend(taking: false)
    }

    /// Takes one credit (unless not `taking`) and waits for the socket to take writes; a
    /// client that grants no credit or reads nothing for the stall timeout gets its stream
    /// cancelled, so it cannot pin the call (and its memory) forever.
    private func waitToSend(taking: Bool = true) async throws {
        let hasCredit = self.credit.tryAcquire(taking: taking)
        if hasCredit, self.outbound.writability.isWritable { return }
        let timer = self.outbound.eventLoop.scheduleTask(in: TimeAmount(self.outbound.stallTimeout)) {
            self.stalled()
        }
        defer { timer.cancel() }
        if !hasCredit { try await self.credit.acquire(taking: taking) }
        try await self.outbound.writability.waitUntilWritable()
    }

    private func stalled() {
        RPCMetrics.limitHit(.creditStall)
        let seconds = self.outbound.stallTimeout.components.seconds
        self.finish(
            ATSBridgeError(.resourceExhausted, "the client granted no credit, or read nothing, for \(seconds) s").status
        )
        self.cancel(.creditStalled)
    }

    private func checkSize(_ count: Int) throws(ATSBridgeError) {
        guard count <= self.maxMessageSize else {
            throw ATSBridgeError(
                .resourceExhausted,
                "response message of \(count) bytes exceeds the client's limit of \(self.maxMessageSize)"
            )
        }
    }

    /// Sends the final `status` in a STATUS frame (or a CANCEL, to reset the stream), unless
    /// the stream already finished.
    package func finish(_ status: Status, as frameType: FrameType = .status) {
        guard self.markFinished() else { return }
        var buffer = self.outbound.allocator.buffer(capacity: 64)
        do {
            try buffer.writeFrame(type: frameType, streamID: self.id, message: status)
        } catch {
            // A status message holding NUL cannot be encoded; send the code alone.
            buffer.clear()
            try? buffer.writeFrame(type: frameType, streamID: self.id, message: Status(code: status.code))
        }
        self.outbound.send(buffer, streamID: self.id, finishing: true)
    }

    /// Closes the stream without a STATUS (the client cancelled, or the connection is gone).
    package func finishSilently() {
        guard self.markFinished() else { return }
        self.outbound.send(ByteBuffer(), streamID: self.id, finishing: true)
    }

    /// Gives the request's bytes back to the connection's and the server's request memory: the
    /// handler decoded the request and no longer holds them.
    package func requestDecoded() {
        self.outbound.requestDecoded(streamID: self.id)
    }

    /// Adds credit granted by the client.
    package func grant(_ count: Int) {
        self.credit.grant(count)
    }

    /// Cancels the handler from outside: its writes fail and ``waitForCancellation()`` returns.
    /// The first reason wins.
    package func cancel(_ reason: CancelReason) {
        self.cancelled.succeed(reason)
        self.settled.succeed(reason)
        self.credit.close(CancellationError())
    }

    /// Notes that the call's handler has returned: ``waitUntilSettled()`` returns `nil`.
    package func handlerFinished() {
        self.settled.succeed(nil)
    }

    /// Waits until the stream is cancelled from outside (returns the reason) or its handler
    /// has finished (returns `nil`); `nil` too when the waiting task is cancelled.
    package func waitUntilSettled() async -> CancelReason? {
        (try? await self.settled.value()) ?? nil
    }

    /// Why the stream was cancelled from outside, if it was.
    package var cancelReason: CancelReason? { try? self.cancelled.result?.get() }

    private func markFinished() -> Bool {
        !self.finished.exchange(true, ordering: .acquiringAndReleasing)
    }
}

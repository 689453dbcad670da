package import ATSBridgeCore
package import ATSBridgeProto
import NIOCore
import Synchronization

/// One call on a server connection, shared by the event loop and the call's task.
///
/// Exactly one STATUS is sent per stream: ``finish(_:)`` is first-wins, so a deadline, a
/// client cancel and the handler's own completion can race safely.
package final class ServerStream: Sendable {
    /// Why a call was cancelled from outside its handler.
    package enum CancelReason: Sendable, Hashable {
        case clientCancelled
        case deadlineExceeded
        case connectionClosed
        case shutdown
    }

    private struct State {
        var finished = false
        var cancelReason: CancelReason?
        var cancelWaiter: CheckedContinuation<CancelReason?, Never>?
        var waiterCancelled = false
    }

    package let id: UInt32
    private let outbound: ConnectionOutbound
    private let credit: CreditGate
    private let state = Mutex(State())

    package init(id: UInt32, outbound: ConnectionOutbound, initialCredit: Int) {
        self.id = id
        self.outbound = outbound
        self.credit = CreditGate(initial: initialCredit)
    }

    /// Whether the stream has sent its STATUS or was closed without one.
    package var isFinished: Bool { self.state.withLock { $0.finished } }

    /// Sends one MESSAGE, waiting for credit and for the socket to accept writes.
    package func sendMessage(_ bytes: [UInt8]) async throws {
        try await self.credit.acquire()
        try await self.outbound.writability.waitUntilWritable()
        var buffer = self.outbound.allocator.buffer(capacity: Frame.headerSize + bytes.count)
        buffer.writeFrame(type: .message, streamID: self.id, payload: bytes)
        guard !self.isFinished else { throw CancellationError() }
        self.outbound.send(buffer)
    }

    /// Sends the single response of a unary call and its STATUS OK, in one write.
    package func sendUnaryResponse(_ bytes: [UInt8]) async throws {
        try await self.credit.acquire()
        try await self.outbound.writability.waitUntilWritable()
        let status = try Status(code: .ok).encode()
        var buffer = self.outbound.allocator.buffer(capacity: 2 * Frame.headerSize + bytes.count + status.count)
        buffer.writeFrame(type: .message, flags: .endStream, streamID: self.id, payload: bytes)
        buffer.writeFrame(type: .status, streamID: self.id, payload: status)
        guard self.markFinished() else { throw CancellationError() }
        self.outbound.send(buffer, finishing: self.id)
    }

    /// Sends the final STATUS, unless the stream already finished.
    package func finish(_ status: Status) {
        guard self.markFinished() else { return }
        var buffer = self.outbound.allocator.buffer(capacity: 64)
        do {
            try buffer.writeFrame(type: .status, streamID: self.id, message: status)
        } catch {
            // A status message holding NUL cannot be encoded; send the code alone.
            buffer.clear()
            try? buffer.writeFrame(type: .status, streamID: self.id, message: Status(code: status.code))
        }
        self.outbound.send(buffer, finishing: self.id)
    }

    /// Closes the stream without a STATUS (the client cancelled, or the connection is gone).
    package func finishSilently() {
        guard self.markFinished() else { return }
        self.outbound.send(ByteBuffer(), finishing: self.id)
    }

    /// Adds credit granted by the client.
    package func grant(_ count: Int) {
        self.credit.grant(count)
    }

    /// Cancels the handler from outside: its writes fail and ``waitForCancellation()`` returns.
    package func cancel(_ reason: CancelReason) {
        let waiter = self.state.withLock { state -> CheckedContinuation<CancelReason?, Never>? in
            if state.cancelReason == nil { state.cancelReason = reason }
            defer { state.cancelWaiter = nil }
            return state.cancelWaiter
        }
        self.credit.close(CancellationError())
        waiter?.resume(returning: reason)
    }

    /// Returns the reason once the stream is cancelled from outside, or `nil` when the waiting
    /// task itself is cancelled (the handler finished first).
    package func waitForCancellation() async -> CancelReason? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<CancelReason?, Never>) in
                let immediate: CancelReason?? = self.state.withLock { state in
                    if let reason = state.cancelReason { return .some(reason) }
                    if state.waiterCancelled { return .some(nil) }
                    state.cancelWaiter = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<CancelReason?, Never>? in
                state.waiterCancelled = true
                defer { state.cancelWaiter = nil }
                return state.cancelWaiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Why the stream was cancelled from outside, if it was.
    package var cancelReason: CancelReason? { self.state.withLock { $0.cancelReason } }

    private func markFinished() -> Bool {
        self.state.withLock { state in
            if state.finished { return false }
            state.finished = true
            return true
        }
    }
}

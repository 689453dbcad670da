import Synchronization

/// A per-stream message credit (docs/protocol.md §3.3): ``acquire()`` takes one unit, waiting
/// while none is left; ``grant(_:)`` adds units. Closing fails current and future waits.
package final class CreditGate: Sendable {
    private struct State {
        var available: Int
        var waiter: CheckedContinuation<Void, any Error>?
        var closedError: (any Error)?
        var cancelled = false
    }

    private let state: Mutex<State>

    package init(initial: Int) {
        self.state = Mutex(State(available: initial))
    }

    /// Takes one unit of credit, waiting for a grant if none is left.
    ///
    /// - Throws: The closing error, or `CancellationError` when the task is cancelled.
    package func acquire() async throws {
        let fast: Result<Bool, any Error> = self.state.withLock { state in
            if let error = state.closedError { return .failure(error) }
            if state.available > 0 {
                state.available -= 1
                return .success(true)
            }
            return .success(false)
        }
        if try fast.get() { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = self.state.withLock { state in
                    if let error = state.closedError { return .failure(error) }
                    if state.cancelled { return .failure(CancellationError()) }
                    if state.available > 0 {
                        state.available -= 1
                        return .success(())
                    }
                    state.waiter = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
                state.cancelled = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
        self.state.withLock { $0.cancelled = false }
    }

    /// Adds `count` units and wakes a waiter.
    package func grant(_ count: Int) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
            state.available += count
            guard let waiter = state.waiter, state.available > 0 else { return nil }
            state.available -= 1
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Fails the current and every later ``acquire()`` with `error`.
    package func close(_ error: any Error) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if state.closedError == nil { state.closedError = error }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: error)
    }
}

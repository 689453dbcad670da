import ATSBridgeCore
import Synchronization

/// A per-stream message credit (docs/protocol.md §3.3) as the call's task sees it:
/// ``acquire()`` takes one unit, waiting while none is left; ``grant(_:)`` adds units. Closing
/// fails current and future waits. One task acquires at a time (the call's handler).
package final class CreditGate: Sendable {
    private struct State {
        var available: Int
        var granted: AsyncOneShot<Void>?
        var closedError: (any Error)?
    }

    private let state: Mutex<State>

    package init(initial: Int) {
        self.state = Mutex(State(available: initial))
    }

    /// Takes one unit of credit (or, not `taking`, only waits for one), waiting for a grant if
    /// none is left.
    ///
    /// - Throws: The closing error, or `CancellationError` when the task is cancelled.
    package func acquire(taking: Bool = true) async throws {
        while true {
            let next: Result<AsyncOneShot<Void>?, any Error> = self.state.withLock { state in
                if let error = state.closedError { return .failure(error) }
                if state.available > 0 {
                    if taking { state.available -= 1 }
                    return .success(nil)
                }
                if let granted = state.granted { return .success(granted) }
                let granted = AsyncOneShot<Void>()
                state.granted = granted
                return .success(granted)
            }
            guard let granted = try next.get() else { return }
            try await granted.value()
        }
    }

    /// The units left now (0 once closed).
    package var available: Int {
        self.state.withLock { $0.closedError == nil ? $0.available : 0 }
    }

    /// Takes one unit (or, not `taking`, only checks for one) if there is one, without waiting.
    package func tryAcquire(taking: Bool = true) -> Bool {
        self.state.withLock { state in
            guard state.closedError == nil, state.available > 0 else { return false }
            if taking { state.available -= 1 }
            return true
        }
    }

    /// Adds `count` units and wakes the waiter.
    package func grant(_ count: Int) {
        let granted = self.state.withLock { state -> AsyncOneShot<Void>? in
            state.available += count
            defer { state.granted = nil }
            return state.granted
        }
        granted?.succeed(())
    }

    /// Fails the current and every later ``acquire()`` with `error`.
    package func close(_ error: any Error) {
        let granted = self.state.withLock { state -> AsyncOneShot<Void>? in
            if state.closedError == nil { state.closedError = error }
            defer { state.granted = nil }
            return state.granted
        }
        granted?.fail(error)
    }
}

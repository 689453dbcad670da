import Synchronization

/// Whether a connection's socket accepts more writes. Writers wait while it does not, so a
/// client that stops reading costs the server bounded memory.
package final class WritabilityGate: Sendable {
    private struct State {
        var writable = true
        var closedError: (any Error)?
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    /// Returns when the connection is writable.
    ///
    /// - Throws: The closing error, or `CancellationError` when the task is cancelled.
    package func waitUntilWritable() async throws {
        let ready: Result<Bool, any Error> = self.state.withLock { state in
            if let error = state.closedError { return .failure(error) }
            return .success(state.writable)
        }
        if try ready.get() { return }
        let id = self.state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = self.state.withLock { state in
                    if let error = state.closedError { return .failure(error) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.writable { return .success(()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Records the socket's writability, waking every waiter when it becomes writable.
    package func setWritable(_ writable: Bool) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.writable = writable
            guard writable else { return [] }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Fails every current and later wait with `error`.
    package func close(_ error: any Error) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            if state.closedError == nil { state.closedError = error }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }
}

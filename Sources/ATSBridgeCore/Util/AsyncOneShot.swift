import Synchronization

/// A value that is set once and awaited by any number of tasks: the one home of the
/// "Mutex plus continuations" pattern (credit and writability waits, a stream's cancellation,
/// a server's bound port, a client's connection attempt).
///
/// The first ``complete(_:)`` wins; later ones are ignored. A waiting task that is cancelled
/// stops waiting with `CancellationError`; the value stays for other waiters.
package final class AsyncOneShot<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, any Error>?
        var nextWaiterID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Value, any Error>] = [:]
    }

    private let state = Mutex(State())

    /// Creates an incomplete one-shot.
    package init() {}

    /// The result, if the one-shot has completed.
    package var result: Result<Value, any Error>? { self.state.withLock { $0.result } }

    /// Completes the one-shot and wakes every waiter.
    ///
    /// - Returns: `false` when it had already completed (the new result is dropped).
    @discardableResult
    package func complete(_ result: Result<Value, any Error>) -> Bool {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Value, any Error>]? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(with: result) }
        return true
    }

    /// Completes the one-shot with `value`.
    @discardableResult
    package func succeed(_ value: Value) -> Bool {
        self.complete(.success(value))
    }

    /// Completes the one-shot with `error`.
    @discardableResult
    package func fail(_ error: any Error) -> Bool {
        self.complete(.failure(error))
    }

    /// Waits for the result.
    ///
    /// - Throws: The error the one-shot completed with, or `CancellationError` when the
    ///   waiting task is cancelled first.
    package func value() async throws -> Value {
        if let result = self.result { return try result.get() }
        let id = self.state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let immediate: Result<Value, any Error>? = self.state.withLock { state in
                    if let result = state.result { return result }
                    // The cancellation handler ran before the waiter was registered.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

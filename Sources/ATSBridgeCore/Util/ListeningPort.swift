import Synchronization

/// The port a server listens on, announced once it is bound; callers may wait for it before.
public final class ListeningPort: Sendable {
    private struct State {
        var result: Result<Int, any Error>?
        var waiters: [CheckedContinuation<Int, any Error>] = []
    }

    private let state = Mutex(State())

    /// Creates an unannounced port.
    public init() {}

    /// Announces the bound port, or why binding failed; only the first call counts.
    public func announce(_ result: Result<Int, any Error>) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard state.result == nil else { return [] }
            state.result = result
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    /// The port, once announced.
    ///
    /// - Throws: The binding error.
    public func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let result = self.state.withLock { state -> Result<Int, any Error>? in
                if let result = state.result { return result }
                state.waiters.append(continuation)
                return nil
            }
            if let result { continuation.resume(with: result) }
        }
    }
}

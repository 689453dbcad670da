import ATSBridgeCore
import Synchronization

/// Whether a connection's socket accepts more writes. Writers wait while it does not, so a
/// client that stops reading costs the server bounded memory.
package final class WritabilityGate: Sendable {
    private struct State {
        var writable = true
        /// Completed when the socket becomes writable again; set while it is not.
        var becameWritable: AsyncOneShot<Void>?
        var closedError: (any Error)?
    }

    private let state = Mutex(State())

    package init() {}

    /// Whether the socket takes writes now (and the gate is open).
    package var isWritable: Bool {
        self.state.withLock { $0.writable && $0.closedError == nil }
    }

    /// Returns when the connection is writable.
    ///
    /// - Throws: The closing error, or `CancellationError` when the task is cancelled.
    package func waitUntilWritable() async throws {
        while true {
            let next: Result<AsyncOneShot<Void>?, any Error> = self.state.withLock { state in
                if let error = state.closedError { return .failure(error) }
                if state.writable { return .success(nil) }
                if let signal = state.becameWritable { return .success(signal) }
                let signal = AsyncOneShot<Void>()
                state.becameWritable = signal
                return .success(signal)
            }
            guard let signal = try next.get() else { return }
            try await signal.value()
        }
    }

    /// Records the socket's writability, waking every waiter when it becomes writable.
    package func setWritable(_ writable: Bool) {
        let signal = self.state.withLock { state -> AsyncOneShot<Void>? in
            state.writable = writable
            guard writable else { return nil }
            defer { state.becameWritable = nil }
            return state.becameWritable
        }
        signal?.succeed(())
    }

    /// Fails every current and later wait with `error`.
    package func close(_ error: any Error) {
        let signal = self.state.withLock { state -> AsyncOneShot<Void>? in
            if state.closedError == nil { state.closedError = error }
            defer { state.becameWritable = nil }
            return state.becameWritable
        }
        signal?.fail(error)
    }
}

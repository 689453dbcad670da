import Synchronization

/// The bytes of request messages held across the server: reserved when a MESSAGE frame's
/// header arrives (before its payload is buffered) and released when its call ends. A message
/// that does not fit is refused with RESOURCE_EXHAUSTED and its bytes are skipped unbuffered,
/// so that no client can make the server hold more, and connections keep reading their
/// CREDIT and CANCEL frames.
package final class RequestMemoryBudget: Sendable {
    private struct State {
        var used = 0
        var peak = 0
    }

    /// The bytes the server may hold.
    package let capacity: Int
    private let state = Mutex(State())

    /// A budget of `capacity` bytes.
    package init(capacity: Int) {
        self.capacity = capacity
    }

    /// The bytes held now.
    package var used: Int { self.state.withLock { $0.used } }

    /// The most bytes held at once so far.
    package var peak: Int { self.state.withLock { $0.peak } }

    /// Reserves `bytes` if they fit.
    ///
    /// - Returns: `false` when the budget cannot take them (the message is refused).
    package func reserve(_ bytes: Int) -> Bool {
        let used = self.state.withLock { state -> Int? in
            guard state.used + bytes <= self.capacity else { return nil }
            state.used += bytes
            state.peak = max(state.peak, state.used)
            return state.used
        }
        guard let used else { return false }
        RPCMetrics.bufferedRequestBytes(used)
        return true
    }

    /// Releases `bytes` reserved earlier.
    package func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        let used = self.state.withLock { state in
            state.used -= bytes
            return state.used
        }
        RPCMetrics.bufferedRequestBytes(used)
    }
}

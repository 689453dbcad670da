/// One connection's side of the server's ``RequestMemoryBudget``, shared by its frame decoder
/// (which reserves a MESSAGE's bytes from its header) and its handler (which takes them over
/// when the frame arrives and releases them when the call ends, or at once).
///
/// Event-loop bound: the decoder and the handler of one channel run on its loop.
package final class RequestAdmission {
    /// The server-wide budget.
    package let budget: RequestMemoryBudget
    /// Bytes reserved for the MESSAGE being received, not yet handed to the handler.
    private var pending = 0

    /// Admission against `budget`.
    package init(budget: RequestMemoryBudget) {
        self.budget = budget
    }

    /// Reserves a MESSAGE's `length` before its payload is buffered.
    ///
    /// - Returns: `false` when the server cannot hold it (the message is skipped and refused).
    package func reserve(_ length: Int) -> Bool {
        guard self.budget.reserve(length) else { return false }
        self.pending += length
        return true
    }

    /// Hands the reservation of the MESSAGE that just arrived to the caller.
    package func take() -> Int {
        defer { self.pending = 0 }
        return self.pending
    }
}

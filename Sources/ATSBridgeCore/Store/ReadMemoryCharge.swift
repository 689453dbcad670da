import Synchronization

/// Bytes charged to a ``ReadMemoryBudget`` for one page: given back by ``release()`` or, at the
/// latest, when the last reference goes away, so that a page dropped on any path (a cancelled
/// call, a failed write) never leaks budget.
public final class ReadMemoryCharge: Sendable {
    private let budget: ReadMemoryBudget
    private let bytes: Atomic<Int>

    init(budget: ReadMemoryBudget, bytes: Int) {
        self.budget = budget
        self.bytes = Atomic(bytes)
    }

    deinit {
        self.release()
    }

    /// The bytes still charged.
    public var charged: Int { self.bytes.load(ordering: .relaxed) }

    /// Gives the bytes back now (once; later calls do nothing).
    public func release() {
        self.budget.release(self.bytes.exchange(0, ordering: .acquiringAndReleasing))
    }
}

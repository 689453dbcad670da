import Dispatch
import Synchronization

/// One value handed from a task to a thread that waits for it: the upsert's write transaction,
/// on GRDB's writer queue (never the cooperative pool), waits for the rows its caller's task
/// encodes meanwhile.
final class BlockingHandoff<Value: Sendable>: Sendable {
    private let value = Mutex<Result<Value, any Error>?>(nil)
    private let delivered = DispatchSemaphore(value: 0)

    /// Hands the value (or the error that stopped it) over; call once.
    func deliver(_ result: Result<Value, any Error>) {
        self.value.withLock { $0 = result }
        self.delivered.signal()
    }

    /// Blocks the calling thread until the value is delivered, then returns it or throws.
    func wait() throws -> Value {
        self.delivered.wait()
        self.delivered.signal()  // a second wait returns at once
        return try self.value.withLock { $0! }.get()
    }
}

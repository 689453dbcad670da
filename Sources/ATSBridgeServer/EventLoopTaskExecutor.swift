import NIOCore

/// Runs a connection's unary calls on the connection's own event loop.
///
/// A unary call otherwise hops from the event loop to the cooperative pool and back, waking an
/// idle thread each way; on a quiet machine those two wake-ups are a third of the round trip.
/// Handlers stay non-blocking: store and HTTP work runs on their own threads and resumes here.
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

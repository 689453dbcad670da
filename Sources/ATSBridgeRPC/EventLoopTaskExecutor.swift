package import NIOCore

/// Runs tasks on one event loop: a connection's unary calls on the server, a sequential caller
/// on the client.
///
/// A unary call otherwise hops from the event loop to the cooperative pool and back, waking an
/// idle thread each way; on a quiet machine those two wake-ups are a third of the round trip.
/// Handlers stay non-blocking: store and HTTP work runs on their own threads and resumes here.
package final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    package init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

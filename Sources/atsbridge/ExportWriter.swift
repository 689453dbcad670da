import Dispatch
import Synchronization

/// Writes an export's file on a thread of its own, never on the cooperative pool: a slow disk
/// or a full pipe (`--out -`) then holds up only this thread. A page is written while the next
/// one arrives and is converted; ``append(_:cursor:records:)`` waits for the page before it,
/// so at most one page is in flight.
final class ExportWriter: Sendable {
    /// Serial: the file's writes keep their order. A dispatch queue's threads are not the
    /// cooperative pool's.
    private let queue: DispatchQueue
    /// Touched only on `queue`; the lock makes that checkable.
    private let file: Mutex<ExportFile>
    /// The first write that failed; later pages are dropped and the export reports it.
    private let failure = Mutex<(any Error)?>(nil)

    private init(queue: DispatchQueue, file: consuming ExportFile) {
        self.queue = queue
        self.file = Mutex(file)
    }

    /// Opens (or, resuming, cuts back) the export's file on the writer's thread.
    static func open(path: String, model: String, format: String, order: String, resume: Bool) async throws
        -> ExportWriter
    {
        let queue = DispatchQueue(label: "atsbridge.export-file")
        let file = try await Self.run(on: queue) {
            try ExportFile(path: path, model: model, format: format, order: order, resume: resume)
        }
        return ExportWriter(queue: queue, file: file)
    }

    /// A value read from the file's state (cursor, records, order, …). It waits for a write
    /// in progress: read it before the pages or after ``complete()``.
    func read<T>(_ body: (borrowing ExportFile) -> T) -> T {
        self.file.withLock { body($0) }
    }

    /// Queues a page's bytes and the resume point after them, once the page before is written.
    ///
    /// - Throws: The failure of an earlier page's write (``CLIFailure``).
    func append(_ bytes: [UInt8], cursor: String?, records: Int) async throws {
        try await self.drain()
        self.queue.async {
            do {
                try self.file.withLock { try $0.append(bytes, cursor: cursor, records: records) }
            } catch {
                self.failure.withLock { $0 = $0 ?? error }
            }
        }
    }

    /// Waits until every queued page is written; throws the first write's failure.
    func drain() async throws {
        try await Self.run(on: self.queue) {}
        if let error = self.failure.withLock({ $0 }) { throw error }
    }

    /// Writes what is queued, flushes the file and forgets the resume point.
    func complete() async throws {
        try await self.drain()
        try await Self.run(on: self.queue) { try self.file.withLock { try $0.complete() } }
    }

    /// Runs `body` on `queue` after what is queued there, and returns its result.
    private static func run<T: Sendable>(
        on queue: DispatchQueue,
        _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}

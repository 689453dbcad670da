import ATSBridgeCore
import GRDB
import Synchronization

/// A streamed list's pages, read back to back on one of GRDB's reader threads while the caller
/// sends them: the reader goes on to the next page as soon as one is read, with no trip through
/// the cooperative pool per page, and stops once ``limit`` pages wait for the caller.
///
/// Each page is its own read transaction, as with ``SQLiteStore/page(_:)``, so a slow caller
/// never holds a snapshot (and the WAL behind it) between pages.
final class PageReadAhead: RecordPageSource {
    /// The most pages read and not yet taken: the memory a slow caller can hold.
    static let limit = 2

    private struct State {
        /// Pages read and not yet taken, oldest first.
        var ready: [RecordPage] = []
        /// The query of the next page to read; `nil` once the last page was read or a read failed.
        var following: RecordQuery?
        /// The error that ended the list, handed out after the pages read before it.
        var failure: (any Error)?
        /// Whether a reader thread is reading pages now.
        var reading = false
        /// The caller waiting for a page (only while none is ready).
        var waiter: CheckedContinuation<RecordPage?, any Error>?
        /// The caller was cancelled: read nothing more.
        var stopped = false
        /// Pages read so far (for tests of the bound).
        var pagesRead = 0

        /// Whether a reader should start now, marking it started.
        mutating func claimReader() -> Bool {
            guard !self.reading, !self.stopped, self.following != nil, self.ready.count < PageReadAhead.limit else {
                return false
            }
            self.reading = true
            return true
        }

        /// The next page to read, or `nil` (marking the reader stopped) when none should be.
        mutating func nextRead() -> RecordQuery? {
            guard !self.stopped, self.ready.count < PageReadAhead.limit, let following = self.following else {
                self.reading = false
                return nil
            }
            self.pagesRead += 1
            return following
        }

        /// Takes the page (or the failure) read for `following`, returning the waiter to hand it
        /// to. Only the reader changes `following`, so it is still the query just read.
        mutating func deliver(_ result: Result<RecordPage, any Error>) -> CheckedContinuation<RecordPage?, any Error>? {
            switch result {
            case .success(let page):
                self.following = page.nextCursor.flatMap { cursor in
                    self.following.map { query in
                        var following = query
                        following.cursor = cursor
                        return following
                    }
                }
                if self.waiter == nil { self.ready.append(page) }
            case .failure(let error):
                self.following = nil
                self.failure = error
            }
            defer { self.waiter = nil }
            return self.waiter
        }
    }

    /// What the caller gets from one look at the state.
    private enum Take {
        case page(RecordPage)
        case end
        case failure(any Error)
        case wait
    }

    private let store: SQLiteStore
    private let state: Mutex<State>

    init(store: SQLiteStore, query: RecordQuery) {
        self.store = store
        self.state = Mutex(State(following: query))
    }

    /// Pages read so far, and whether a reader is reading more: what tests of the bound see.
    var progress: (pagesRead: Int, reading: Bool) {
        self.state.withLock { ($0.pagesRead, $0.reading) }
    }

    func next() async throws -> RecordPage? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RecordPage?, any Error>) in
                let (take, startReader) = self.state.withLock { state -> (Take, Bool) in
                    let take: Take
                    if state.stopped {
                        take = .failure(CancellationError())
                    } else if !state.ready.isEmpty {
                        take = .page(state.ready.removeFirst())
                    } else if let failure = state.failure {
                        take = .failure(failure)
                    } else if state.following == nil {
                        // Every page read was handed out with the one that ended the list.
                        take = .end
                    } else {
                        state.waiter = continuation
                        take = .wait
                    }
                    return (take, state.claimReader())
                }
                if startReader { self.startReader() }
                switch take {
                case .page(let page): continuation.resume(returning: page)
                case .end: continuation.resume(returning: nil)
                case .failure(let error): continuation.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state in
                state.stopped = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func startReader() {
        self.store.pool.asyncUnsafeRead { result in
            switch result {
            case .success(let db):
                self.readPages(db)
            case .failure(let error):
                let failure = SQLiteStore.storeError(error)
                let waiter = self.state.withLock { state in
                    state.reading = false
                    return state.deliver(.failure(failure))
                }
                waiter?.resume(throwing: failure)
            }
        }
    }

    /// Reads pages on the reader's thread until enough wait, the list ends, a read fails or the
    /// caller is cancelled.
    private func readPages(_ db: Database) {
        while let query = self.state.withLock({ $0.nextRead() }) {
            let result: Result<RecordPage, any Error>
            do {
                var page: RecordPage?
                try db.inTransaction(.deferred) {
                    page = try self.store.readPage(db, query)
                    return .commit
                }
                result = .success(page!)
            } catch {
                result = .failure(SQLiteStore.storeError(error))
            }
            let waiter = self.state.withLock { $0.deliver(result) }
            waiter?.resume(with: result.map { Optional($0) })
        }
    }
}

import Synchronization

/// Pages read one at a time through ``RecordReading/page(_:)``, the next one requested as soon
/// as a page is handed out, so the store reads while the caller sends.
final class PrefetchingPages: RecordPageSource {
    private struct State {
        /// The query of the page after the one handed out last; `nil` once the last was.
        var following: RecordQuery?
        /// The read of that page, once started.
        var pending: Task<RecordPage, any Error>?
        /// The error that ended the list: every later call throws it.
        var failure: (any Error)?
    }

    private let reader: any RecordReading
    private let budget: ReadMemoryBudget?
    private let state: Mutex<State>

    init(reader: any RecordReading, query: RecordQuery, budget: ReadMemoryBudget?) {
        self.reader = reader
        self.budget = budget
        self.state = Mutex(State(following: query))
    }

    deinit {
        self.state.withLock { $0.pending?.cancel() }
    }

    func next(readingAhead: Int) async throws -> RecordPage? {
        let reader = self.reader
        let budget = self.budget
        let read: Task<RecordPage, any Error>? = try self.state.withLock { state in
            if let failure = state.failure { throw failure }
            if let pending = state.pending {
                state.pending = nil
                return pending
            }
            guard let query = state.following else { return nil }
            return Task { try await reader.page(query, budget: budget) }
        }
        guard let read else { return nil }
        let page: RecordPage
        do {
            page = try await withTaskCancellationHandler {
                try await read.value
            } onCancel: {
                read.cancel()
            }
        } catch {
            self.state.withLock { state in
                state.following = nil
                state.failure = error
            }
            throw error
        }
        // A caller cancelled meanwhile asks for nothing more.
        let cancelled = Task.isCancelled
        self.state.withLock { state in
            guard var following = state.following, let cursor = page.nextCursor else {
                state.following = nil
                return
            }
            following.cursor = cursor
            state.following = following
            if !cancelled, readingAhead > 0 {
                state.pending = Task { try await reader.page(following, budget: budget) }
            }
        }
        return page
    }
}

import ATSBridgeCore
import GRDB
internal import GRDBSQLite
import Synchronization

/// A streamed list's pages, read back to back on one of GRDB's reader threads while the caller
/// sends them: the reader goes on to the next page as soon as one is read, with no trip through
/// the cooperative pool per page, and stops once ``limit`` pages wait for the caller.
///
/// Each page is its own read transaction, as with ``SQLiteStore/page(_:)``, so a slow caller
/// never holds a snapshot (and the WAL behind it) between pages. A reader gives its connection
/// back after ``turn`` and queues again, so other reads do not wait for a whole export. A
/// cancelled caller, or one that drops the source, interrupts the page being read (when the
/// interrupt lands while one of its statements runs; otherwise that page completes) and the
/// reader stops.
///
/// Under a ``ReadMemoryBudget``, the reader reads a page only while the budget has room
/// (checked with the connection held) and charges each page it reads; without room it gives
/// its connection back and starts again once the budget has room.
final class PageReadAhead: RecordPageSource {
    /// The most pages read and not yet taken: the memory a slow caller can hold.
    static let limit = 2
    /// How long a reader keeps its connection before queueing behind other reads again.
    static let turn: Duration = .milliseconds(50)

    private let reading: Reading

    /// - Parameters:
    ///   - budget: The server's memory for pages not yet sent, if any.
    ///   - turn: How long a reader keeps its connection (tests shorten it).
    init(store: SQLiteStore, query: RecordQuery, budget: ReadMemoryBudget? = nil, turn: Duration = PageReadAhead.turn) {
        self.reading = Reading(store: store, query: query, budget: budget, turn: turn)
    }

    deinit {
        // The reader thread holds `reading`, not this source: dropping the source stops it.
        self.reading.stop()
    }

    /// Pages read so far, whether a reader is reading more, and how many turns readers took:
    /// what tests of the bound see.
    var progress: (pagesRead: Int, reading: Bool, turns: Int) {
        self.reading.progress
    }

    func next(readingAhead: Int) async throws -> RecordPage? {
        try await self.reading.next(readingAhead: readingAhead)
    }
}

extension PageReadAhead {
    /// What the caller and the reader thread share: a small state machine behind a mutex.
    private final class Reading: Sendable {
        private let store: SQLiteStore
        private let budget: ReadMemoryBudget?
        private let turn: Duration
        private let state: Mutex<State>

        init(store: SQLiteStore, query: RecordQuery, budget: ReadMemoryBudget?, turn: Duration) {
            self.store = store
            self.budget = budget
            self.turn = turn
            self.state = Mutex(State(following: query))
        }

        var progress: (pagesRead: Int, reading: Bool, turns: Int) {
            self.state.withLock { ($0.pagesRead, $0.reading, $0.turns) }
        }

        func next(readingAhead: Int) async throws -> RecordPage? {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: Waiter) in
                    let (take, start) = self.state.withLock { state in
                        state.ahead = min(max(readingAhead, 0), PageReadAhead.limit)
                        return (state.take(waiting: continuation), state.claimReader(budget: self.budget))
                    }
                    self.perform(start)
                    switch take {
                    case .page(let page): continuation.resume(returning: page)
                    case .end: continuation.resume(returning: nil)
                    case .failure(let error): continuation.resume(throwing: error)
                    case .wait: break
                    }
                }
            } onCancel: {
                self.stop()
            }
        }

        /// Reads nothing more, interrupts the page being read and fails the waiting caller.
        func stop() {
            let (waiter, roomWait, dropped) = self.state.withLock { state -> (Waiter?, UInt64?, [RecordPage]) in
                // Once: a second interrupt (cancelled, then dropped) could reach the rollback.
                guard !state.stopped else { return (nil, nil, []) }
                state.stopped = true
                // Only set while a page is read on it, so the interrupt cannot reach another
                // read that the connection serves later.
                if let connection = state.connection.flatMap(OpaquePointer.init(bitPattern:)) {
                    sqlite3_interrupt(connection)
                }
                // The pages read ahead give their memory back now, whoever still holds `self`:
                // dropped below, outside the lock.
                defer {
                    state.waiter = nil
                    state.ready = []
                }
                return (state.waiter, state.roomWait, state.ready)
            }
            if let roomWait { self.budget?.cancelWait(roomWait) }
            waiter?.resume(throwing: CancellationError())
            _ = dropped  // released here, outside the lock
        }

        /// Starts a reader, or waits for the budget to have room for one.
        private func perform(_ start: ReaderStart) {
            switch start {
            case .none:
                break
            case .start:
                self.startReader()
            case .awaitRoom(let generation):
                guard let budget = self.budget else { return }
                let token = budget.whenRoom {
                    let start = self.state.withLock { state in
                        state.roomWait = nil
                        state.awaitingRoom = false
                        return state.claimReader(budget: budget)
                    }
                    self.perform(start)
                }
                guard let token else { return }
                // Kept only if no later wait replaced this one (its wake ran meanwhile).
                let withdraw = self.state.withLock { state in
                    guard state.roomGeneration == generation, state.awaitingRoom else { return false }
                    state.roomWait = token
                    return state.stopped
                }
                if withdraw { budget.cancelWait(token) }
            }
        }

        private func startReader() {
            self.state.withLock { $0.turns += 1 }
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

        /// Reads pages on the reader's thread until enough wait, the list ends, a read fails,
        /// the caller is gone or the turn is over (then it queues again).
        private func readPages(_ db: Database) {
            let turnEnds = ContinuousClock.now + self.turn
            // As an address: a connection pointer is not Sendable, and only the interrupt uses it.
            let connection = Int(bitPattern: db.sqliteConnection)
            while let query = self.state.withLock({ $0.nextRead(on: connection, budget: self.budget) }) {
                let result: Result<RecordPage, any Error>
                do {
                    var page: RecordPage?
                    try db.inTransaction(.deferred) {
                        page = try self.store.readPage(db, query)
                        return .commit
                    }
                    // Charged before the next page's check, on this thread.
                    page!.charge(to: self.budget)
                    result = .success(page!)
                } catch {
                    result = .failure(SQLiteStore.storeError(error))
                }
                let waiter = self.state.withLock { $0.deliver(result) }
                waiter?.resume(with: result.map { Optional($0) })
                if ContinuousClock.now >= turnEnds, self.state.withLock({ $0.endTurn() }) {
                    return self.startReader()
                }
            }
            // Stopped for want of room: wait for it (a no-op when stopped for another reason).
            self.perform(self.state.withLock { $0.claimReader(budget: self.budget) })
        }
    }

    private typealias Waiter = CheckedContinuation<RecordPage?, any Error>

    /// What to do about the reader after a look at the state.
    private enum ReaderStart {
        case none
        case start
        /// A reader is due but the budget has no room: wait for it (the wait's generation).
        case awaitRoom(UInt64)
    }

    /// What the caller gets from one look at the state.
    private enum Take {
        case page(RecordPage)
        case end
        case failure(any Error)
        case wait
    }

    private struct State {
        /// Pages read and not yet taken, oldest first.
        var ready: [RecordPage] = []
        /// The query of the next page to read; `nil` once the last page was read or a read failed.
        var following: RecordQuery?
        /// The error that ended the list, handed out after the pages read before it.
        var failure: (any Error)?
        /// Whether a reader thread is reading pages now (or queued for its next turn).
        var reading = false
        /// The address of the connection a page is being read on, to interrupt it.
        var connection: Int?
        /// The caller waiting for a page (only while none is ready).
        var waiter: Waiter?
        /// The caller was cancelled or dropped the source: read nothing more.
        var stopped = false
        /// The budget's token while a reader waits for room (see ``ReadMemoryBudget/whenRoom(_:)``).
        var roomWait: UInt64?
        /// Whether a reader waits for room now, and how many such waits there were.
        var awaitingRoom = false
        var roomGeneration: UInt64 = 0
        /// How many pages to read ahead of the caller (its last ``next(readingAhead:)``).
        var ahead = PageReadAhead.limit
        /// Pages read so far, and turns readers took (for tests).
        var pagesRead = 0
        var turns = 0

        /// What a caller gets now; `.wait` keeps its continuation.
        mutating func take(waiting continuation: Waiter) -> Take {
            if self.stopped { return .failure(CancellationError()) }
            if !self.ready.isEmpty { return .page(self.ready.removeFirst()) }
            if let failure = self.failure { return .failure(failure) }
            // Every page read was handed out with the one that ended the list.
            if self.following == nil { return .end }
            self.waiter = continuation
            return .wait
        }

        /// Whether a page should be read: the caller waits for one, or fewer than it asked
        /// for are read ahead.
        var wantsPage: Bool { self.waiter != nil || self.ready.count < self.ahead }

        /// Whether a reader should start now (marking it started), or wait for room first.
        mutating func claimReader(budget: ReadMemoryBudget?) -> ReaderStart {
            guard !self.reading, !self.stopped, !self.awaitingRoom, self.following != nil, self.wantsPage
            else { return .none }
            guard RecordPage.mayRead(under: budget) else {
                self.awaitingRoom = true
                self.roomGeneration &+= 1
                return .awaitRoom(self.roomGeneration)
            }
            self.reading = true
            return .start
        }

        /// The next page to read on `connection`, or `nil` (marking the reader stopped).
        mutating func nextRead(on connection: Int, budget: ReadMemoryBudget?) -> RecordQuery? {
            guard !self.stopped, self.wantsPage, let following = self.following, RecordPage.mayRead(under: budget)
            else {
                self.reading = false
                return nil
            }
            self.pagesRead += 1
            self.connection = connection
            return following
        }

        /// Whether the reader should queue again for more (it stays marked as reading).
        mutating func endTurn() -> Bool {
            guard !self.stopped, self.wantsPage, self.following != nil else { return false }
            return true
        }

        /// Takes the page (or the failure) read for `following`, returning the waiter to hand it
        /// to. Only the reader changes `following`, so it is still the query just read.
        mutating func deliver(_ result: Result<RecordPage, any Error>) -> Waiter? {
            self.connection = nil
            switch result {
            case .success(let page):
                self.following = page.nextCursor.flatMap { cursor in
                    self.following.map { query in
                        var following = query
                        following.cursor = cursor
                        return following
                    }
                }
                // A stopped list keeps nothing (the page is dropped with `result`).
                if self.waiter == nil, !self.stopped { self.ready.append(page) }
            case .failure(let error):
                self.following = nil
                self.failure = error
            }
            defer { self.waiter = nil }
            return self.waiter
        }
    }
}

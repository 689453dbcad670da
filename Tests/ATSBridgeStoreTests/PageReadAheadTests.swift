import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeTestSupport
import Foundation
import Synchronization
import Testing

@testable import ATSBridgeStoreSQLite

/// A streamed list's pages read ahead on SQLite's reader threads: the same pages as the unary
/// calls, in order, never more than two ahead of the caller.
@Suite struct PageReadAheadTests {
    let fixture = StoreFixture()

    private func store(candidates count: Int) async throws -> SQLiteStore {
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: temporaryDatabasePath()))
        let candidates = (0..<count).map { index in
            Candidate(id: self.fixture.id(.candidate, "r\(index)"), remoteID: "r\(index)", firstName: "Eva")
        }
        if !candidates.isEmpty {
            _ = try await store.upsert(.candidates(candidates), integrationID: self.fixture.integrationID, at: 1_000)
        }
        return store
    }

    private func query(_ order: RecordOrder, pageSize: Int = 10) -> RecordQuery {
        var query = RecordQuery(integrationID: self.fixture.integrationID, model: .candidate, pageSize: pageSize)
        query.order = order
        return query
    }

    @Test(arguments: [RecordOrder.storage, .id])
    func thePagesAreTheUnaryPagesInOrder(order: RecordOrder) async throws {
        let store = try await self.store(candidates: 95)
        var unary: [RecordPage] = []
        var query = self.query(order)
        while true {
            let page = try await store.page(query)
            unary.append(page)
            guard let cursor = page.nextCursor else { break }
            query.cursor = cursor
        }
        var streamed: [RecordPage] = []
        for try await page in store.pages(self.query(order)) { streamed.append(page) }
        #expect(streamed.count == 10)
        #expect(streamed.map(\.records) == unary.map(\.records))
        #expect(streamed.map(\.count) == [10, 10, 10, 10, 10, 10, 10, 10, 10, 5])
        #expect(streamed.last?.nextCursor == nil)
    }

    @Test func anEmptyListGivesOneEmptyPage() async throws {
        let store = try await self.store(candidates: 0)
        var pages = store.pages(self.query(.storage)).makeAsyncIterator()
        let first = try #require(try await pages.next())
        #expect(first.count == 0 && first.nextCursor == nil)
        #expect(try await pages.next() == nil)
        #expect(try await pages.next() == nil)
    }

    @Test func theReaderStaysAtMostTwoPagesAheadOfTheCaller() async throws {
        let store = try await self.store(candidates: 100)
        let source = PageReadAhead(store: store, query: self.query(.storage))
        func settled() async throws -> Int {
            let deadline = ContinuousClock.now + .seconds(10)
            while source.progress.reading, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(!source.progress.reading, "the reader never stopped")
            return source.progress.pagesRead
        }
        #expect(source.progress.pagesRead == 0, "nothing is read before the caller asks")
        _ = try await source.next()
        #expect(try await settled() == 1 + PageReadAhead.limit)
        _ = try await source.next()
        #expect(try await settled() == 2 + PageReadAhead.limit)
        var taken = 2
        while try await source.next() != nil { taken += 1 }
        #expect(taken == 10)
        #expect(source.progress.pagesRead == 10)
    }

    @Test func aForgedCursorFailsTheFirstPage() async throws {
        let store = try await self.store(candidates: 5)
        var query = self.query(.storage)
        query.cursor = "forged"
        await #expect {
            for try await _ in store.pages(query) {}
        } throws: { ($0 as? ATSBridgeError)?.code == .inputInvalid }
    }

    @Test func theReaderReadsAheadNoFurtherThanTheCallerAsks() async throws {
        let store = try await self.store(candidates: 100)
        let source = PageReadAhead(store: store, query: self.query(.storage))
        _ = try await source.next(readingAhead: 0)
        _ = try await source.next(readingAhead: 0)
        // Each call read just the page it returned.
        try await eventually("the reader to stop") { !source.progress.reading }
        #expect(source.progress.pagesRead == 2)
        _ = try await source.next(readingAhead: 1)
        try await eventually("the reader to read one ahead") { !source.progress.reading }
        #expect(source.progress.pagesRead == 4)
    }

    /// Dropping a list whose read-ahead holds charged pages, while its reader waits for room:
    /// the pages' memory comes back, and the wake it sets off runs outside the list's lock.
    @Test func droppingAListThatWaitsForRoomGivesItsPagesBack() async throws {
        let store = try await self.store(candidates: 100)
        let pageBytes = try await store.page(self.query(.storage)).byteCount
        let waits = Mutex(0)
        // Room for a page and a half: the first page and one read ahead, then the reader waits.
        let budget = ReadMemoryBudget(capacity: pageBytes * 3 / 2, waited: { waits.withLock { $0 += 1 } })
        var source: PageReadAhead? = PageReadAhead(store: store, query: self.query(.storage), budget: budget)
        var first = try #require(try await source?.next())
        try await eventually("the reader to wait for room") { waits.withLock { $0 } == 1 }
        #expect(budget.used == 2 * pageBytes)
        source = nil
        try await eventually("the page read ahead to be given back") { budget.used == first.byteCount }
        first.memory = nil
        #expect(budget.used == 0)
        #expect(budget.hasRoom)
    }

    @Test func aCancelledCallerReadsNothing() async throws {
        let store = try await self.store(candidates: 30)
        let source = PageReadAhead(store: store, query: self.query(.storage))
        let caller = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await source.next()
        }
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(source.progress.pagesRead == 0)
        // A cancelled list stays ended.
        await #expect(throws: CancellationError.self) { try await source.next() }
    }
}

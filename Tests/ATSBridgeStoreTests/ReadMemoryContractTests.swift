import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeTestSupport
import Synchronization
import Testing

/// Every store reads pages under the server's memory for unsent pages: it reads only while the
/// budget has room, charges each page, and a read waiting for room can be cancelled.
@Suite struct ReadMemoryContractTests {
    let fixture = StoreFixture()

    private func store(_ kind: StoreKind, candidates count: Int) async throws -> any Store {
        let store = try await kind.make()
        let candidates = (0..<count).map { index in
            var candidate = SampleRecords.candidate(index: index)
            candidate.id = self.fixture.id(.candidate, "r\(index)")
            candidate.remoteID = "r\(index)"
            return candidate
        }
        _ = try await store.upsert(.candidates(candidates), integrationID: self.fixture.integrationID, at: 1_000)
        return store
    }

    private var query: RecordQuery {
        RecordQuery(integrationID: self.fixture.integrationID, model: .candidate, pageSize: 10)
    }

    /// Without a budget a list reads up to three pages ahead of a caller that holds its page;
    /// with a full one, it reads the next page only once the caller gives one back.
    @Test(arguments: StoreKind.allCases)
    func aListHoldsNoMoreThanOnePageOverAFullBudget(kind: StoreKind) async throws {
        let store = try await self.store(kind, candidates: 60)
        let waits = Mutex(0)
        let budget = ReadMemoryBudget(capacity: 1, waited: { waits.withLock { $0 += 1 } })
        var pages = store.pages(self.query, budget: budget).makeAsyncIterator()
        var ids: [String] = []
        var largest = 0
        var taken = 0
        while var page = try await pages.next() {
            taken += 1
            let charged = try #require(page.memory).charged
            #expect(charged == page.byteCount)
            largest = max(largest, charged)
            if page.nextCursor != nil {
                // The store tried to read the next page while this one is held, and waits.
                try await eventually("the read of page \(taken + 1) to wait") { waits.withLock { $0 } >= taken }
            }
            #expect(budget.used == charged, "only the page held is charged")
            ids += try page.records.map { try Candidate(decoding: $0).id }
            page.memory = nil
            #expect(budget.used <= largest)
        }
        #expect(ids == (0..<60).map { self.fixture.id(.candidate, "r\($0)") }.sorted())
        try await eventually("every page's memory to come back") { budget.used == 0 }
        #expect(budget.peak <= largest)
    }

    @Test(arguments: StoreKind.allCases)
    func aPageReadWaitsForRoomAndCanBeCancelled(kind: StoreKind) async throws {
        let store = try await self.store(kind, candidates: 5)
        let waits = Mutex(0)
        let budget = ReadMemoryBudget(capacity: 10, waited: { waits.withLock { $0 += 1 } })
        let held = budget.charge(10)
        let query = self.query
        let cancelled = Task { try await store.page(query, budget: budget) }
        try await eventually("the read to wait") { waits.withLock { $0 } == 1 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { _ = try await cancelled.value }

        let waiting = Task { try await store.page(query, budget: budget) }
        try await eventually("the read to wait") { waits.withLock { $0 } == 2 }
        held.release()
        let page = try await waiting.value
        #expect(page.count == 5)
        #expect(budget.used == page.byteCount)
        #expect(page.memory?.charged == page.byteCount)
    }
}

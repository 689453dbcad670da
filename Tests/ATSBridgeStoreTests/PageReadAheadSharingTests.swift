import ATSBridgeCore
import ATSBridgeProto
import Foundation
import Synchronization
import Testing

@testable import ATSBridgeStoreSQLite

/// What a streamed list does beside other reads, and with cursors of earlier builds.
@Suite struct PageReadAheadSharingTests {
    let fixture = StoreFixture()

    @Test func aReaderGivesItsConnectionBackBetweenTurns() async throws {
        var configuration = SQLiteStoreConfiguration(path: temporaryDatabasePath())
        configuration.maxReaders = 1
        let store = try await SQLiteStore(configuration: configuration)
        let candidates = (0..<300).map { index in
            Candidate(id: self.fixture.id(.candidate, "s\(index)"), remoteID: "s\(index)", firstName: "Eva")
        }
        _ = try await store.upsert(.candidates(candidates), integrationID: self.fixture.integrationID, at: 1_000)
        var query = RecordQuery(integrationID: self.fixture.integrationID, model: .candidate, pageSize: 1)
        query.order = .storage
        // Turns of no time: the only reader queues again after every page.
        let source = PageReadAhead(store: store, query: query, turn: .zero)
        let taken = Mutex(0)
        let export = Task {
            while try await source.next() != nil { taken.withLock { $0 += 1 } }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while taken.withLock({ $0 }) < 10, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
        let one = try await store.page(
            RecordQuery(integrationID: self.fixture.integrationID, model: .candidate, pageSize: 1)
        )
        let takenMeanwhile = taken.withLock { $0 }
        try await export.value
        #expect(one.count == 1)
        #expect(takenMeanwhile < 300, "the read waited for the whole export")
        #expect(source.progress.pagesRead == 300)
        #expect(source.progress.turns >= 150, "a reader took \(source.progress.turns) turns for 300 pages")
    }

    /// Earlier builds listed candidates, applications, jobs and users in id order even when
    /// storage order was asked for: their cursors hold an id, and the list goes on in id order.
    @Test func aStorageCursorHoldingAnIDGoesOnInIDOrder() async throws {
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: temporaryDatabasePath()))
        let candidates = (0..<30).map { index in
            Candidate(id: self.fixture.id(.candidate, "o\(index)"), remoteID: "o\(index)", firstName: "Eva")
        }
        _ = try await store.upsert(.candidates(candidates), integrationID: self.fixture.integrationID, at: 1_000)
        let ids = candidates.map(\.id).sorted()
        var query = RecordQuery(integrationID: self.fixture.integrationID, model: .candidate, pageSize: 7)
        query.order = .storage
        query.cursor = PageCursor(lastID: ids[9], fingerprint: query.fingerprint).encode(secret: store.cursorSecret)
        var rest: [String] = []
        for try await page in store.pages(query) {
            rest += try page.records.map { bytes in try bytes.withUnsafeBytes { try Candidate(decoding: $0) }.id }
        }
        #expect(rest == Array(ids[10...]))
    }
}

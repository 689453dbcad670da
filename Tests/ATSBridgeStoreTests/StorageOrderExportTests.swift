import ATSBridgeCore
import ATSBridgeProto
import Testing

/// Bulk exports in the backend's physical order (``RecordOrder/storage``): stable while records
/// change, and never mixed up with id-order cursors.
@Suite struct StorageOrderExportTests {
    let fixture = StoreFixture()
    var integration: String { self.fixture.integrationID }

    private func candidate(_ index: Int, title: String) -> Candidate {
        Candidate(
            id: self.fixture.id(.candidate, "x\(index)"),
            remoteID: "x\(index)",
            firstName: "Eva",
            title: title,
            emailAddresses: [EmailAddress(emailAddress: "x\(index)@example.sk")]
        )
    }

    @Test(arguments: StoreKind.allCases, [RecordOrder.storage, .id])
    func anExportWhileRecordsAreUpdatedReturnsEachRecordOnce(kind: StoreKind, order: RecordOrder) async throws {
        try await self.exportWhileUpdating(try await kind.make(), order: order, streamed: false)
    }

    /// The same through ``RecordReading/pages(_:)``, which reads pages ahead of the caller: the
    /// records change while pages read ahead wait. (Exports stream in storage order.)
    @Test(arguments: StoreKind.allCases)
    func aStreamedExportWhileRecordsAreUpdatedReturnsEachRecordOnce(kind: StoreKind) async throws {
        try await self.exportWhileUpdating(try await kind.make(), order: .storage, streamed: true)
    }

    private func exportWhileUpdating(_ store: any Store, order: RecordOrder, streamed: Bool) async throws {
        let total = 1_200
        _ = try await store.upsert(
            .candidates((0..<total).map { self.candidate($0, title: "v0") }),
            integrationID: self.integration,
            at: 1_000
        )
        var query = RecordQuery(integrationID: self.integration, model: .candidate, pageSize: 100)
        query.order = order
        var seen: [String] = []
        var round = 0
        var pages = store.pages(query).makeAsyncIterator()
        while true {
            let page: RecordPage
            if streamed {
                page = try #require(try await pages.next())
            } else {
                page = try await store.page(query)
            }
            seen += try page.records.map { bytes in try bytes.withUnsafeBytes { try Candidate(decoding: $0) }.id }
            round += 1
            // Between pages: every record read so far and every one not yet read changes, and
            // new records arrive.
            let changed = stride(from: round % 7, to: total, by: 7).map { self.candidate($0, title: "v\(round)") }
            let fresh = (0..<5).map { self.candidate(total + round * 5 + $0, title: "new") }
            _ = try await store.upsert(
                .candidates(changed + fresh),
                integrationID: self.integration,
                at: 1_000 + Int64(round)
            )
            guard let next = page.nextCursor else { break }
            query.cursor = next
        }
        if streamed { #expect(try await pages.next() == nil) }
        #expect(seen.count == Set(seen).count, "a record was returned twice")
        let original = Set((0..<total).map { self.candidate($0, title: "").id })
        #expect(original.isSubset(of: Set(seen)), "a record that existed throughout was skipped")
    }

    @Test(arguments: StoreKind.allCases)
    func aStorageCursorDoesNotResumeAnIDOrderPage(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await self.fixture.load(into: store)
        var query = RecordQuery(integrationID: self.integration, model: .candidate, pageSize: 1)
        query.order = .storage
        let first = try await store.page(query)
        let cursor = try #require(first.nextCursor)
        var byID = RecordQuery(integrationID: self.integration, model: .candidate, pageSize: 1)
        byID.cursor = cursor
        await #expect(throws: ATSBridgeError.self) { try await store.page(byID) }
        query.cursor = cursor
        let second = try await store.page(query)
        #expect(second.count == 1 && second.records != first.records)
    }
}

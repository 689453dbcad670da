import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreRules
import ATSBridgeStoreSQLite
import Testing

/// Nested-view assembly as pure rounds of lookups: answered here from plain rows in memory (as
/// any backend would from its tables), the views equal what the SQLite store serves.
@Suite struct NestedViewAssemblyTests {
    let fixture = StoreFixture()

    /// Every fixture row, as a backend would hold it.
    private func allRows() throws -> [RecordRow] {
        try self.fixture.batches.flatMap { try RecordRow.rows(of: $0) }
    }

    /// Answers a lookup from `rows`, as a backend's query would.
    private func answer(_ lookup: ChildLookup, from rows: [RecordRow]) -> [ChildRow] {
        let keys = Set(lookup.keys)
        return rows.filter { row in
            guard row.model == lookup.model, !lookup.liveOnly || row.remoteDeletedAt == nil else { return false }
            return Self.text(lookup.column, of: row).map(keys.contains) ?? false
        }
        .reversed()  // any order: assembly orders rows itself
        .map { row in
            var child = ChildRow(id: row.id)
            for column in lookup.columns {
                switch column {
                case .data: child.data = row.data
                case .stageIndex: child.set(column, integer: row.index.map(Int64.init))
                case .outcome: child.set(column, integer: row.outcome.map(Int64.init))
                case .changedAt: child.set(column, integer: 1_000)
                default: child.set(column, text: Self.text(column, of: row))
                }
            }
            return child
        }
    }

    private static func text(_ column: RecordColumn, of row: RecordRow) -> String? {
        switch column {
        case .id: row.id
        case .remoteID: row.remoteID
        case .name: row.name
        case .firstName: row.firstName
        case .lastName: row.lastName
        case .email: row.email
        case .outcomeRaw: row.outcomeRaw
        case .candidateID: row.candidateID
        case .jobID: row.jobID
        case .stageID: row.stageID
        case .tagID: row.tagID
        case .userID: row.userID
        default: nil
        }
    }

    /// A view alone lacks the message's required id: decoded after a stand-in for the own fields.
    private static func withID(_ view: [UInt8]?) -> [UInt8] {
        var bytes: [UInt8] = []
        ProtoWire.appendLengthDelimited(field: Candidate.FieldNumber.id, Array("stub".utf8), to: &bytes)
        return bytes + (view ?? [])
    }

    /// The views of every record of `model`, and how many rounds of lookups they took.
    private func assemble(_ model: Model) throws -> (views: [String: [UInt8]], rounds: Int) {
        let rows = try self.allRows()
        let records = rows.filter { $0.model == model }
        var assembly = NestedViewAssembly(
            model: model,
            records: records.map {
                RecordHead(id: $0.id, candidateID: $0.candidateID, jobID: $0.jobID, stageID: $0.stageID)
            }
        )
        var rounds = 0
        while case let lookups = try assembly.nextLookups(), !lookups.isEmpty {
            rounds += 1
            for lookup in lookups {
                #expect(!lookup.keys.isEmpty)
                assembly.receive(self.answer(lookup, from: rows), for: lookup)
            }
        }
        let views = try assembly.views()
        return (Dictionary(uniqueKeysWithValues: zip(records.map(\.id), views)), rounds)
    }

    @Test func candidateViewsEqualWhatTheStoreServes() async throws {
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: temporaryDatabasePath()))
        try await self.fixture.load(into: store)
        let (views, rounds) = try self.assemble(.candidate)
        #expect(rounds == 2)
        for candidate in self.fixture.candidates {
            let served = try #require(
                try await store.record(.candidate, id: candidate.id, integrationID: self.fixture.integrationID)
            )
            let fromStore = try served.withUnsafeBytes { try Candidate(decoding: $0) }
            let assembled = try Self.withID(views[candidate.id]).withUnsafeBytes { try Candidate(decoding: $0) }
            #expect(assembled.applications == fromStore.applications)
            #expect(assembled.tags == fromStore.tags)
        }
        let c1 = try Self.withID(views[self.fixture.id(.candidate, "c1")]).withUnsafeBytes {
            try Candidate(decoding: $0)
        }
        #expect(c1.applications.first?.currentStage?.name == "Pohovor")
        #expect(c1.tags.map(\.name) == ["VIP"])
    }

    @Test func jobAndApplicationViewsEqualWhatTheStoreServes() async throws {
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: temporaryDatabasePath()))
        try await self.fixture.load(into: store)
        let integration = self.fixture.integrationID
        let jobs = try self.assemble(.job).views
        for job in self.fixture.jobs {
            let served = try #require(try await store.record(.job, id: job.id, integrationID: integration))
            let fromStore = try served.withUnsafeBytes { try Job(decoding: $0) }
            let assembled = try Self.withID(jobs[job.id]).withUnsafeBytes { try Job(decoding: $0) }
            #expect(assembled.stages == fromStore.stages)
            #expect(assembled.hiringTeam == fromStore.hiringTeam)
        }
        let (applications, rounds) = try self.assemble(.application)
        #expect(rounds == 3)
        for application in self.fixture.applications {
            let served = try #require(
                try await store.record(.application, id: application.id, integrationID: integration)
            )
            let fromStore = try served.withUnsafeBytes { try Application(decoding: $0) }
            let assembled = try Self.withID(applications[application.id]).withUnsafeBytes {
                try Application(decoding: $0)
            }
            #expect(assembled.candidate == fromStore.candidate)
            #expect(assembled.currentStage == fromStore.currentStage)
            #expect(assembled.job == fromStore.job)
            #expect(assembled.candidate != nil)
        }
    }

    /// A backend matches lookup keys against its index, by bytes, and may bound a range scan
    /// by the first and last key: the keys come one per distinct byte string, in byte order
    /// (not `String`'s, which merges "caté" composed and decomposed and puts U+212B before U+D0).
    @Test func lookupKeysAreDistinctByTheirBytesAndInByteOrder() throws {
        let candidateIDs = ["\u{212B}-c", "\u{D0}-c", "a-c", "cat\u{E9}", "cate\u{301}", "a-c"]
        var assembly = NestedViewAssembly(
            model: .application,
            records: candidateIDs.enumerated().map {
                RecordHead(id: "app-\($0)", candidateID: $1, jobID: "j-1", stageID: "s-1")
            }
        )
        let lookup = try #require(try assembly.nextLookups().first { $0.model == .candidate })
        let expected = Set(candidateIDs.map { Array($0.utf8) }).sorted { $0.lexicographicallyPrecedes($1) }
        #expect(lookup.keys.map { Array($0.utf8) } == expected)
        #expect(expected.count == 5)
    }

    @Test func modelsWithoutViewsNeedNoLookups() throws {
        var assembly = NestedViewAssembly(model: .tag, records: [RecordHead(id: "t1")])
        #expect(try assembly.nextLookups().isEmpty)
        #expect(try assembly.views() == [[]])
    }
}

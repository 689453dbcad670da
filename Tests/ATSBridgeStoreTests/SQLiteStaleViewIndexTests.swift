import ATSBridgeCore
import ATSBridgeProto
import GRDB
import Testing

@testable import ATSBridgeStoreSQLite

/// The SQLite index of stale views is in row order (docs/store.md, "Kept nested views"), and a
/// store made before that upgrades to it without losing what is stale.
@Suite struct SQLiteStaleViewIndexTests {
    let fixture = StoreFixture()

    private static let indexSQL: @Sendable (Database) throws -> String? = { db in
        try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'records_stale_views'")
    }

    private func served(_ store: SQLiteStore) async throws -> [[UInt8]] {
        var all: [[UInt8]] = []
        for model in [Model.candidate, .job, .application] {
            all += try await store.page(RecordQuery(integrationID: self.fixture.integrationID, model: model)).records
        }
        return all
    }

    @Test func aStoreFromBeforeFindsItsStaleViewsInRowOrderAfterTheUpgrade() async throws {
        let path = temporaryDatabasePath()
        var store: SQLiteStore? = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        try await self.fixture.load(into: store!)
        let assembled = try await self.served(store!)
        // The schema as it was before: the index by id, and its migration not yet run.
        try await store!.pool.write { db in
            try db.execute(
                sql: """
                    DROP INDEX records_stale_views;
                    CREATE INDEX records_stale_views ON records (integration_id, model, id)
                        WHERE view IS NULL AND model IN \(SQLiteStore.nestedModelList);
                    DELETE FROM grdb_migrations WHERE identifier = 'v9-stale-views-by-row';
                    """
            )
        }
        #expect(try await store!.pool.read(Self.indexSQL)?.contains("model, id)") == true)
        store = nil

        let upgraded = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        let definition = try await upgraded.pool.read(Self.indexSQL) ?? ""
        #expect(definition.contains("ON records (integration_id, model)"))
        #expect(definition.contains("WHERE view IS NULL"))
        // 2 jobs, 3 candidates, 2 applications were stale before the upgrade and still are.
        var refreshed = 0
        while case let count = try await upgraded.refreshStaleViews(limit: 3), count > 0 { refreshed += count }
        #expect(refreshed == 7)
        #expect(try await self.served(upgraded) == assembled)
    }

    @Test func refreshedBatchesInRowOrderEqualViewsAssembledFromScratch() async throws {
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: temporaryDatabasePath()))
        // Many candidates with scattered ids, each with an application: a refresh batch spans
        // ids from the whole range, so its children must be looked up by key.
        let job = Job(id: self.fixture.id(.job, "j-1"), remoteID: "j-1", name: "Engineer")
        _ = try await store.upsert(.jobs([job]), integrationID: self.fixture.integrationID, at: 1_000)
        let candidates = (0..<300).map { index in
            Candidate(id: self.fixture.id(.candidate, "c-\(index)"), remoteID: "c-\(index)", firstName: "Ján")
        }
        let applications = candidates.enumerated().map { index, candidate in
            Application(
                id: self.fixture.id(.application, "a-\(index)"),
                remoteID: "a-\(index)",
                jobID: job.id,
                candidateID: candidate.id
            )
        }
        _ = try await store.upsert(.candidates(candidates), integrationID: self.fixture.integrationID, at: 1_000)
        _ = try await store.upsert(.applications(applications), integrationID: self.fixture.integrationID, at: 1_000)
        let query = RecordQuery(integrationID: self.fixture.integrationID, model: .candidate, pageSize: 1_000)
        let assembled = try await store.page(query).records
        var refreshed = 0
        while case let count = try await store.refreshStaleViews(limit: 64), count > 0 { refreshed += count }
        #expect(refreshed == 300 + 300 + 1)
        let kept = try await store.page(query).records
        #expect(kept.count == 300)
        #expect(kept == assembled)
        let withApplication = try kept.map { try Candidate(decoding: $0) }.filter { $0.applications.count == 1 }
        #expect(withApplication.count == 300)
    }
}

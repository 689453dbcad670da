import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreRules
import GRDB
import Testing

@testable import ATSBridgeStoreSQLite

/// Statements whose plan decides whether a write costs its keys or the whole model.
@Suite struct SQLiteQueryPlanTests {
    /// Touching parents goes through the index of the keys' column. Through the touched-time
    /// index (every record touched before now) each statement read the whole model: a first
    /// sync's candidate tags spent 3 of its 20 seconds there.
    @Test(arguments: [
        (RecordColumn.id, Model.candidate, "records_key"),
        (RecordColumn.candidateID, Model.application, "records_candidate"),
        (RecordColumn.stageID, Model.application, "records_stage"),
    ])
    func touchingParentsSearchesTheKeysIndex(column: RecordColumn, model: Model, index: String) async throws {
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: temporaryDatabasePath()))
        // Enough touched records that a scan of the touched-time index would be a real cost.
        let candidates = (0..<200).map { Candidate(id: "id-\($0)", remoteID: "c-\($0)") }
        _ = try await store.upsert(.candidates(candidates), integrationID: "plan", at: 1_000)
        let sql = SQLiteStore.touchSQL(column, keys: 3)
        let plan = try await store.pool.read { db in
            try Row.fetchAll(
                db,
                sql: "EXPLAIN QUERY PLAN " + sql,
                arguments: [2_000, "plan", Int(model.rawValue), "a", "b", "c", 2_000]
            ).map { $0["detail"] as String }
        }
        #expect(plan.count == 1)
        #expect(plan.first?.contains("USING INDEX \(index) ") == true, "\(plan)")
        #expect(plan.contains { $0.contains("records_touched") } == false)
    }

    /// A fingerprint's record is found through the remote-id index, where a page's sources are
    /// neighbours; through the key index each source read a page of it at random.
    @Test func fingerprintLookupsFindRecordsByRemoteID() async throws {
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: temporaryDatabasePath()))
        let candidates = (0..<200).map { Candidate(id: "id-\($0)", remoteID: "c-\($0)") }
        _ = try await store.upsert(.candidates(candidates), integrationID: "plan", at: 1_000)
        let plan = try await store.pool.read { db in
            try Row.fetchAll(
                db,
                sql: "EXPLAIN QUERY PLAN " + SQLiteStore.sourceLookupSQL(remoteIDs: 3),
                arguments: ["plan", Int(Model.candidate.rawValue), "c-1", "c-2", "c-3"]
            ).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("SEARCH r USING INDEX records_remote_id ") }, "\(plan)")
        #expect(plan.contains { $0.contains("records_key") } == false, "\(plan)")
    }
}

public import ATSBridgeCore
public import ATSBridgeProto
import ATSBridgeStoreRules
import Foundation
import GRDB

extension SQLiteStore {
    /// Marks live records not seen by a full sync deleted; see ``Store``.
    public func markMissing(integrationID: String, model: Model, seenIDs: Set<String>, at now: Int64) async throws
        -> UpsertResult
    {
        // In key order (bytes), so each insert appends to the temporary b-tree: a full sync's
        // tombstone pass inserts every id it saw. Sorted before the transaction, off the writer.
        let seen = seenIDs.sorted { RecordRow.byteOrder($0, $1) < 0 }
        return try await self.write { db in
            try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS seen_ids (id TEXT PRIMARY KEY) WITHOUT ROWID")
            try db.execute(sql: "DELETE FROM seen_ids")
            try Self.seenIDInsert.run(db, seen) { binder, id in binder.text(id) }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    UPDATE records SET remote_deleted_at = ?, changed_at = ?, touched_at = ?
                    WHERE integration_id = ? AND model = ? AND remote_deleted_at IS NULL
                      AND id NOT IN (SELECT id FROM seen_ids)
                    RETURNING id, candidate_id, job_id
                    """,
                arguments: [now, now, now, integrationID, Int(model.rawValue)]
            )
            let plan = TombstonePlan(model: model, deleted: rows.map { ($0[0], $0[1], $0[2]) })
            try db.execute(sql: "DELETE FROM seen_ids")
            try Self.apply(plan.staleViews, db, integrationID)
            try Self.log(db, integrationID, model, plan.result.deleted, .deleted, now)
            try Self.apply(plan.touches.targets(skipping: []), db, integrationID, now: now)
            return plan.result
        }
    }

    private static let seenIDInsert = BulkInsert(prefix: "INSERT OR IGNORE INTO seen_ids (id)", width: 1)

    /// Strips candidates and users deleted before `cutoff` to their ids.
    public func blankDeletedPersonalData(deletedBefore cutoff: Int64) async throws -> Int {
        try await self.write { db in
            var blanked = 0
            for model in RetentionBlanking.models {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT integration_id, id, remote_id FROM records
                        WHERE model = ? AND remote_deleted_at IS NOT NULL AND remote_deleted_at < ? AND pii_blanked = 0
                        """,
                    arguments: [Int(model.rawValue), cutoff]
                )
                for row in rows {
                    let integrationID: String = row[0]
                    let id: String = row[1]
                    let remoteID: String? = row[2]
                    let data = try RetentionBlanking.blankedData(model, id: id, remoteID: remoteID)
                    if model == .candidate {
                        try Self.deleteEmails(db, integrationID: integrationID, candidates: [id])
                    }
                    try db.execute(
                        sql: """
                            UPDATE records SET data = ?, hash = ?, \(Self.blankedColumns), pii_blanked = 1
                            WHERE integration_id = ? AND model = ? AND id = ?
                            """,
                        arguments: [
                            Data(data), Data(RetentionBlanking.blankedHash), integrationID, Int(model.rawValue), id,
                        ]
                    )
                    try Self.apply(RetentionBlanking.staleViews(model, id: id), db, integrationID)
                    blanked += 1
                }
            }
            return blanked
        }
    }

    /// `first_name = NULL, …`: the personal columns retention clears.
    private static let blankedColumns = (RetentionBlanking.clearedColumns + ["emails"]).map { "\($0) = NULL" }.joined(
        separator: ", "
    )
}

public import ATSBridgeCore
public import ATSBridgeProto
import ATSBridgeStoreRules
import Foundation
import GRDB

extension SQLiteStore {
    /// Marks live records not seen by a full sync deleted; see ``Store``.
    ///
    /// The live records of the model are read on a reader, in storage order, and checked against
    /// `seenIDs` (a full re-sync that finds nothing missing never takes the writer); only the
    /// unseen ones are then marked, on the writer, if still live. Records written after the read
    /// are left alone, as if written after this call.
    public func markMissing(integrationID: String, model: Model, seenIDs: RecordIDSet, at now: Int64) async throws
        -> UpsertResult
    {
        let missing = try await self.read { db in try Self.unseen(db, integrationID, model, seenIDs) }
        guard !missing.isEmpty else { return UpsertResult() }
        return try await self.write { db in
            var deleted: [(id: String, candidateID: String?, jobID: String?)] = []
            for chunk in missing.chunked(500) {
                let statement = try db.cachedStatement(
                    sql: """
                        UPDATE records SET remote_deleted_at = ?, changed_at = ?, touched_at = ?
                        WHERE integration_id = ? AND model = ? AND remote_deleted_at IS NULL
                          AND id IN \(Self.placeholders(chunk.count))
                        RETURNING id, candidate_id, job_id
                        """
                )
                let handle = statement.sqliteStatement
                var binder = StatementBinder(handle)
                for _ in 0..<3 { binder.integer(now) }
                binder.text(integrationID)
                binder.integer(Int64(model.rawValue))
                for id in chunk { binder.text(id) }
                try StatementBinder.forEachRow(handle, failure: "marking missing records failed") {
                    guard let id = Self.text(handle, 0) else { return }
                    deleted.append((id, Self.text(handle, 1), Self.text(handle, 2)))
                }
            }
            // The change log lists them in key order, whatever order the chunks came back in.
            deleted.sort { RecordRow.byteOrder($0.id, $1.id) < 0 }
            let plan = TombstonePlan(model: model, deleted: deleted)
            try Self.apply(plan.staleViews, db, integrationID)
            try Self.log(db, integrationID, model, plan.result.deleted, .deleted, now)
            try Self.apply(plan.touches.targets(skipping: []), db, integrationID, now: now)
            return plan.result
        }
    }

    /// The ids of the model's live records that are not in `seen`, in storage order.
    private static func unseen(_ db: Database, _ integrationID: String, _ model: Model, _ seen: RecordIDSet) throws
        -> [String]
    {
        let statement = try db.cachedStatement(
            sql: """
                SELECT id FROM records INDEXED BY records_scan
                WHERE integration_id = ? AND model = ? AND remote_deleted_at IS NULL
                """
        )
        let handle = statement.sqliteStatement
        var binder = StatementBinder(handle)
        binder.text(integrationID)
        binder.integer(Int64(model.rawValue))
        var missing: [String] = []
        try StatementBinder.forEachRow(handle, failure: "reading live records failed") {
            // Looked up by its bytes: only the ids of missing records become strings.
            let id = Self.bytes(handle, 0)
            if id.baseAddress != nil, !seen.contains(utf8: id) { missing.append(String(decoding: id, as: UTF8.self)) }
        }
        return missing
    }

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

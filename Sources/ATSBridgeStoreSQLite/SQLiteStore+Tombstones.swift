public import ATSBridgeCore
public import ATSBridgeProto
import Foundation
import GRDB

extension SQLiteStore {
    /// Marks live records not seen by a full sync deleted; see ``Store``.
    public func markMissing(integrationID: String, model: Model, seenIDs: Set<String>, at now: Int64) async throws
        -> UpsertResult
    {
        try await self.write { db in
            try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS seen_ids (id TEXT PRIMARY KEY) WITHOUT ROWID")
            try db.execute(sql: "DELETE FROM seen_ids")
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO seen_ids (id) VALUES (?)")
            for id in seenIDs { try insert.execute(arguments: [id]) }
            var touches = Touches()
            var stale = StaleViews()
            var result = UpsertResult()
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
            for row in rows {
                result.deleted.append(row[0])
                stale.recordChanged(model, id: row[0], candidateID: row[1], jobID: row[2])
                switch model {
                case .application, .candidateTag:
                    if let id = row[1] as String? { touches.candidates.insert(id) }
                case .jobApplicationStage, .jobHiringTeamMember:
                    if let id = row[2] as String? { touches.jobs.insert(id) }
                default:
                    break
                }
            }
            try db.execute(sql: "DELETE FROM seen_ids")
            try stale.apply(db, integrationID)
            try Self.log(db, integrationID, model, result.deleted, .deleted, now)
            try Self.apply(touches, db, integrationID, now: now, skipping: [])
            return result
        }
    }

    /// Strips candidates and users deleted before `cutoff` to their ids.
    public func blankDeletedPersonalData(deletedBefore cutoff: Int64) async throws -> Int {
        try await self.write { db in
            var blanked = 0
            for model in [Model.candidate, .user] {
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
                    // Only the id and remote id remain; the hash is recomputed so a reappearing
                    // record counts as changed.
                    let data =
                        model == .candidate
                        ? try Candidate(id: id, remoteID: remoteID).encode()
                        : try User(id: id, remoteID: remoteID).encode()
                    try db.execute(
                        sql: """
                            UPDATE records SET data = ?, hash = ?, first_name = NULL, last_name = NULL,
                                first_name_key = NULL, last_name_key = NULL, email = NULL, search = NULL, pii_blanked = 1
                            WHERE integration_id = ? AND model = ? AND id = ?
                            """,
                        arguments: [Data(data), Data(count: 16), integrationID, Int(model.rawValue), id]
                    )
                    if model == .candidate {
                        try db.execute(
                            sql: "DELETE FROM candidate_emails WHERE integration_id = ? AND candidate_id = ?",
                            arguments: [integrationID, id]
                        )
                    }
                    var stale = StaleViews()
                    stale.recordChanged(model, id: id, candidateID: nil, jobID: nil)
                    try stale.apply(db, integrationID)
                    blanked += 1
                }
            }
            return blanked
        }
    }
}

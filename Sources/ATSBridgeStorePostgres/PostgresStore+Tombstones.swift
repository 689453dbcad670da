public import ATSBridgeCore
public import ATSBridgeProto
import ATSBridgeStoreRules
import NIOCore
import PostgresNIO

/// Deletions upstream (``TombstonePlan``) and retention of their personal data
/// (``RetentionBlanking``).
extension PostgresStore {
    /// Marks live records not seen by a full sync deleted; see ``Store``.
    public func markMissing(integrationID: String, model: Model, seenIDs: RecordIDSet, at now: Int64) async throws
        -> UpsertResult
    {
        let seen = seenIDs.ids
        let number = Int32(model.rawValue)
        let result = try await self.writeTransaction(integrationID: integrationID) { writer in
            // The seen ids in a temporary table: an anti-join, whatever their number.
            try await writer.connection.run(
                #"CREATE TEMPORARY TABLE seen_ids (id TEXT COLLATE "C" PRIMARY KEY) ON COMMIT DROP"#,
                logger: writer.logger
            )
            try await writer.connection.run(
                "INSERT INTO seen_ids SELECT DISTINCT unnest(\(seen)::text[])",
                logger: writer.logger
            )
            let rows = try await writer.connection.rows(
                """
                UPDATE records SET remote_deleted_at = \(now), changed_at = \(now), touched_at = \(now)
                WHERE integration_id = \(integrationID) AND model = \(number) AND remote_deleted_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM seen_ids WHERE seen_ids.id = records.id)
                RETURNING id, candidate_id, job_id
                """,
                logger: writer.logger
            )
            var deleted: [(id: String, candidateID: String?, jobID: String?)] = []
            for row in rows {
                let (id, candidateID, jobID) = try row.decode((String, String?, String?).self)
                deleted.append((id, candidateID, jobID))
            }
            deleted.sort { $0.id < $1.id }
            let plan = TombstonePlan(model: model, deleted: deleted)
            try await writer.clear(plan.staleViews)
            try await writer.log(model, plan.result.deleted, .deleted, now)
            try await writer.touch(plan.touches.targets(skipping: []), now: now)
            return plan.result
        }
        await self.noted(written: result.deleted.count)
        return result
    }

    /// Strips candidates and users deleted before `cutoff` to their ids; see ``Store``.
    public func blankDeletedPersonalData(deletedBefore cutoff: Int64) async throws -> Int {
        let models = RetentionBlanking.models.map { Int32($0.rawValue) }
        let due = try await self.rows(
            """
            SELECT DISTINCT integration_id FROM records
            WHERE model = ANY(\(models)) AND remote_deleted_at IS NOT NULL AND remote_deleted_at < \(cutoff)
              AND NOT pii_blanked
            """,
            readOnly: true
        )
        var blanked = 0
        for integrationID in try due.map({ try $0.decode(String.self) }) {
            blanked += try await self.writeTransaction(integrationID: integrationID) { writer in
                try await writer.blank(deletedBefore: cutoff)
            }
        }
        return blanked
    }
}

extension RecordWriter {
    /// Blanks this integration's records due for it, under its write lock (a record that came
    /// back upstream meanwhile is no longer due).
    func blank(deletedBefore cutoff: Int64) async throws -> Int {
        var blanked = 0
        let cleared = RetentionBlanking.clearedColumns.map { "\($0) = NULL" }.joined(separator: ", ")
        for model in RetentionBlanking.models {
            let number = Int32(model.rawValue)
            let rows = try await self.connection.rows(
                """
                SELECT id, remote_id FROM records
                WHERE integration_id = \(self.integrationID) AND model = \(number)
                  AND remote_deleted_at IS NOT NULL AND remote_deleted_at < \(cutoff) AND NOT pii_blanked
                ORDER BY id
                """,
                logger: self.logger
            )
            for row in rows {
                let (id, remoteID) = try row.decode((String, String?).self)
                var bindings = PostgresBindings()
                bindings.append(ByteBuffer(bytes: try RetentionBlanking.blankedData(model, id: id, remoteID: remoteID)))
                bindings.append(ByteBuffer(bytes: RetentionBlanking.blankedHash))
                bindings.append(self.integrationID)
                bindings.append(number)
                bindings.append(id)
                try await self.connection.run(
                    PostgresQuery(
                        unsafeSQL: """
                            UPDATE records SET data = $1, hash = $2, \(cleared), pii_blanked = true
                            WHERE integration_id = $3 AND model = $4 AND id = $5
                            """,
                        binds: bindings
                    ),
                    logger: self.logger
                )
                if model == .candidate {
                    try await self.connection.run(
                        "DELETE FROM candidate_emails WHERE integration_id = \(self.integrationID) AND candidate_id = \(id)",
                        logger: self.logger
                    )
                }
                try await self.clear(RetentionBlanking.staleViews(model, id: id))
                blanked += 1
            }
        }
        return blanked
    }
}

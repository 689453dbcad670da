public import ATSBridgeCore
public import ATSBridgeProto
import ATSBridgeStoreRules
import Foundation
import GRDB

extension SQLiteStore {
    /// Upserts a batch with diff, in one transaction; see ``Store``.
    public func upsert(_ batch: RecordBatch, integrationID: String, at now: Int64) async throws -> UpsertResult {
        try await self.upsert(batches: [batch], integrationID: integrationID, at: now)
    }

    /// Upserts several batches (of any models) in one transaction; see ``Store``.
    public func upsert(batches: [RecordBatch], integrationID: String, at now: Int64) async throws -> UpsertResult {
        // Sorted by id, so that inserts walk the primary-key b-tree in order.
        let prepared = try batches.filter { $0.count > 0 }.map { batch in
            (batch.model, try RecordRow.rows(of: batch).sorted { $0.id < $1.id })
        }
        guard !prepared.isEmpty else { return UpsertResult() }
        return try await self.write { db in
            var total = UpsertResult()
            for (model, rows) in prepared {
                total.merge(try Self.upsert(db, rows, model, integrationID, now))
            }
            return total
        }
    }

    /// Upserts a write command's records and its created-here marks in one transaction; see
    /// ``Store``.
    public func upsert(
        batches: [RecordBatch],
        createdHere: [Model: [String]],
        integrationID: String,
        at now: Int64
    ) async throws -> UpsertResult {
        let prepared = try batches.filter { $0.count > 0 }.map { batch in
            (batch.model, try RecordRow.rows(of: batch).sorted { $0.id < $1.id })
        }
        return try await self.write { db in
            try Self.markCreatedHere(db, integrationID, createdHere)
            var total = UpsertResult()
            for (model, rows) in prepared {
                total.merge(try Self.upsert(db, rows, model, integrationID, now))
            }
            return total
        }
    }

    /// One model's rows, inside the caller's transaction: the decisions are
    /// ``UpsertPlan``'s, this only reads what is stored and writes what it says.
    private static func upsert(
        _ db: Database,
        _ rows: [RecordRow],
        _ model: Model,
        _ integrationID: String,
        _ now: Int64
    ) throws -> UpsertResult {
        let plan = UpsertPlan(
            model: model,
            rows: rows,
            stored: try Self.existing(db, integrationID, model, rows.map(\.id))
        )
        for write in plan.writes {
            try Self.save(db, write.row, integrationID: integrationID, now: now, isNew: write.isNew)
        }
        try Self.apply(plan.staleViews, db, integrationID)
        for (kind, ids) in plan.changeLog {
            try Self.log(db, integrationID, model, ids, kind, now)
        }
        try Self.apply(plan.touches.targets(skipping: plan.writtenIDs), db, integrationID, now: now)
        return plan.result
    }

    private static func existing(
        _ db: Database,
        _ integrationID: String,
        _ model: Model,
        _ ids: [String]
    ) throws -> [String: StoredState] {
        var existing: [String: StoredState] = [:]
        for chunk in ids.chunked(500) {
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, hash, remote_deleted_at, candidate_id, job_id FROM records
                    WHERE integration_id = ? AND model = ? AND id IN \(Self.placeholders(chunk.count))
                    """,
                arguments: Self.arguments(
                    [integrationID, Int(model.rawValue)] + chunk.map { $0 as any DatabaseValueConvertible }
                )
            )
            while let row = try rows.next() {
                existing[row["id"]] = StoredState(
                    hash: [UInt8](row["hash"] as Data),
                    deleted: row["remote_deleted_at"] as Int64? != nil,
                    candidateID: row["candidate_id"],
                    jobID: row["job_id"]
                )
            }
        }
        return existing
    }

    private static func save(_ db: Database, _ row: RecordRow, integrationID: String, now: Int64, isNew: Bool) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO records (
                    integration_id, model, id, remote_id, changed_at, touched_at, remote_deleted_at, hash, data,
                    name, search, first_name, last_name, first_name_key, last_name_key, email, status,
                    employment_type, visibility, outcome, outcome_raw, candidate_id, job_id, stage_id, tag_id,
                    user_id, stage_index, pii_blanked
                ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                ON CONFLICT (integration_id, model, id) DO UPDATE SET
                    remote_id = excluded.remote_id, changed_at = excluded.changed_at,
                    touched_at = excluded.touched_at, remote_deleted_at = excluded.remote_deleted_at,
                    hash = excluded.hash, data = excluded.data, name = excluded.name, search = excluded.search,
                    first_name = excluded.first_name, last_name = excluded.last_name,
                    first_name_key = excluded.first_name_key, last_name_key = excluded.last_name_key,
                    email = excluded.email, status = excluded.status, employment_type = excluded.employment_type,
                    visibility = excluded.visibility, outcome = excluded.outcome, outcome_raw = excluded.outcome_raw,
                    candidate_id = excluded.candidate_id, job_id = excluded.job_id, stage_id = excluded.stage_id,
                    tag_id = excluded.tag_id, user_id = excluded.user_id, stage_index = excluded.stage_index,
                    pii_blanked = 0, view = NULL
                """
        )
        let values: [(any DatabaseValueConvertible)?] = [
            integrationID, Int(row.model.rawValue), row.id, row.remoteID, now, now, row.remoteDeletedAt,
            Data(row.hash), Data(row.data), row.name, row.search, row.firstName, row.lastName, row.firstNameKey,
            row.lastNameKey, row.email, row.status.map { Int($0) }, row.employmentType.map { Int($0) },
            row.visibility.map { Int($0) }, row.outcome.map { Int($0) }, row.outcomeRaw, row.candidateID, row.jobID,
            row.stageID, row.tagID, row.userID, row.index.map { Int($0) },
        ]
        try statement.execute(arguments: StatementArguments(values))
        if row.model == .candidate {
            if !isNew {
                try db.execute(
                    sql: "DELETE FROM candidate_emails WHERE integration_id = ? AND candidate_id = ?",
                    arguments: [integrationID, row.id]
                )
            }
            let insert = try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO candidate_emails (integration_id, email, candidate_id) VALUES (?, ?, ?)"
            )
            for email in row.emails { try insert.execute(arguments: [integrationID, email, row.id]) }
        }
    }

    /// Moves the touched time of parents whose nested data changed, and logs them as TOUCHED
    /// (their own fields and `changed_at` did not move).
    static func apply(_ targets: [TouchTarget], _ db: Database, _ integrationID: String, now: Int64) throws {
        for target in targets {
            for chunk in target.keys.chunked(500) {
                let touched = try String.fetchAll(
                    db,
                    sql: """
                        UPDATE records SET touched_at = ?
                        WHERE integration_id = ? AND model = ? AND \(target.column.name) IN \(Self.placeholders(chunk.count))
                          AND touched_at < ?
                        RETURNING id
                        """,
                    arguments: Self.arguments(
                        [now, integrationID, Int(target.model.rawValue)]
                            + chunk.map { $0 as any DatabaseValueConvertible }
                            + [now]
                    )
                )
                try self.log(db, integrationID, target.model, touched, .touched, now)
            }
        }
    }

    /// Appends change-log entries.
    static func log(
        _ db: Database,
        _ integrationID: String,
        _ model: Model,
        _ ids: [String],
        _ kind: ChangeKind,
        _ now: Int64
    )
        throws
    {
        guard !ids.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: "INSERT INTO changes (integration_id, model, record_id, kind, committed_at) VALUES (?, ?, ?, ?, ?)"
        )
        for id in ids {
            try statement.execute(arguments: [integrationID, Int(model.rawValue), id, Int(kind.rawValue), now])
        }
    }

    /// `(?, ?, …)` with `count` placeholders.
    static func placeholders(_ count: Int) -> String {
        "(" + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: self.count, by: size).map { self[$0..<Swift.min($0 + size, self.count)] }
    }
}

public import ATSBridgeCore
public import ATSBridgeProto
import ATSBridgeStoreRules
import Foundation
import GRDB
internal import GRDBSQLite

extension SQLiteStore {
    /// Upserts a batch with diff, in one transaction; see ``Store``.
    public func upsert(_ batch: RecordBatch, integrationID: String, at now: Int64) async throws -> UpsertResult {
        try await self.upsert(batches: [batch], integrationID: integrationID, at: now)
    }

    /// Upserts several batches (of any models) in one transaction; see ``Store``.
    public func upsert(batches: [RecordBatch], integrationID: String, at now: Int64) async throws -> UpsertResult {
        guard batches.contains(where: { $0.count > 0 }) else { return UpsertResult() }
        return try await self.upsert(batches, createdHere: [:], integrationID, now)
    }

    /// Upserts a write command's records and its created-here marks in one transaction; see
    /// ``Store``.
    public func upsert(
        batches: [RecordBatch],
        createdHere: [Model: [String]],
        integrationID: String,
        at now: Int64
    ) async throws -> UpsertResult {
        try await self.upsert(batches, createdHere: createdHere, integrationID, now)
    }

    /// Encodes and hashes the batches' rows (on both cores) and writes them in one transaction.
    ///
    /// When no other write is running or waiting, the transaction starts at once and reads what
    /// is stored of the rows' ids (known before any row is encoded) while this task encodes
    /// them, then waits for the rows: an unchanged re-upsert is mostly those two halves. When
    /// the writer is busy, the rows are encoded first, so the writer never waits on them while
    /// others' writes queue.
    private func upsert(
        _ batches: [RecordBatch],
        createdHere: [Model: [String]],
        _ integrationID: String,
        _ now: Int64
    ) async throws -> UpsertResult {
        let batches = batches.filter { $0.count > 0 }
        guard self.writerIsIdle, !batches.isEmpty else {
            return try await self.upsert(
                encoded: try await EncodedBatch.encode(batches),
                createdHere,
                integrationID,
                now
            )
        }
        // A model's lookup is made before the transaction's writes only if no earlier batch of
        // the same model can change what it reads.
        let early = Dictionary(grouping: batches.indices, by: { batches[$0].model }).values
            .filter { $0.count == 1 }.map { $0[0] }
        let handoff = BlockingHandoff<[EncodedBatch]>()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    handoff.deliver(.success(try await EncodedBatch.encode(batches)))
                } catch {
                    handoff.deliver(.failure(error))
                }
            }
            return try await self.write { db in
                var looked: [Int: Lookup] = [:]
                // The ids are sorted here, on the writer, beside the encoding.
                for index in early {
                    let ids = RecordRow.uniqueSorted(batches[index].ids)
                    looked[index] = Lookup(
                        ids: ids,
                        stored: try Self.existing(db, integrationID, batches[index].model, ids)
                    )
                }
                let prepared = try handoff.wait()
                try Self.markCreatedHere(db, integrationID, createdHere)
                return try Self.upsert(db, prepared, looked: looked, integrationID, now)
            }
        }
    }

    /// Writes batches already encoded (sorted by id, so that inserts walk the key index in
    /// order) and created-here marks in one transaction.
    func upsert(
        encoded: [EncodedBatch],
        _ createdHere: [Model: [String]],
        _ integrationID: String,
        _ now: Int64
    ) async throws -> UpsertResult {
        guard !encoded.isEmpty || !createdHere.isEmpty else { return UpsertResult() }
        return try await self.write { db in
            try Self.markCreatedHere(db, integrationID, createdHere)
            return try Self.upsert(db, encoded, looked: [:], integrationID, now)
        }
    }

    /// Writes batches already encoded inside the caller's transaction.
    static func upsert(
        _ db: Database,
        _ encoded: [EncodedBatch],
        _ integrationID: String,
        _ now: Int64
    ) throws -> UpsertResult {
        try Self.upsert(db, encoded, looked: [:], integrationID, now)
    }

    /// What was read of a batch's ids before its rows were ready.
    private struct Lookup {
        var ids: [String]
        var stored: [StoredState?]

        /// Whether it is the lookup of `rows`, id for id, byte for byte (`String`'s `==` would
        /// take canonically equivalent ids for one).
        func matches(_ rows: [RecordRow]) -> Bool {
            self.ids.count == rows.count
                && self.ids.indices.allSatisfy { RecordRow.byteOrder(self.ids[$0], rows[$0].id) == 0 }
        }
    }

    /// The prepared batches' rows, in order, inside the caller's transaction; `looked` holds
    /// what was read of some batches (by index) before it.
    private static func upsert(
        _ db: Database,
        _ prepared: [EncodedBatch],
        looked: [Int: Lookup],
        _ integrationID: String,
        _ now: Int64
    ) throws -> UpsertResult {
        var total = UpsertResult()
        var cleared = ClearedViews()
        // No views are kept for an integration before its first sync completes: its writes have
        // none to clear (most of a first sync's writer time otherwise looks for them).
        let keepsViews = try Self.mayKeepViews(db, integrationID)
        for (index, batch) in prepared.enumerated() {
            let stored =
                if let early = looked[index], early.matches(batch.rows) { early.stored } else {
                    try Self.existing(db, integrationID, batch.model, batch.rows.map(\.id))
                }
            total.merge(
                try Self.upsert(
                    db,
                    batch.rows,
                    stored,
                    batch.model,
                    integrationID,
                    now,
                    keepsViews: keepsViews,
                    cleared: &cleared
                )
            )
        }
        return total
    }

    /// One model's rows, inside the caller's transaction: the decisions are
    /// ``UpsertPlan``'s, this only reads what is stored and writes what it says.
    private static func upsert(
        _ db: Database,
        _ rows: [RecordRow],
        _ stored: [StoredState?],
        _ model: Model,
        _ integrationID: String,
        _ now: Int64,
        keepsViews: Bool,
        cleared: inout ClearedViews
    ) throws -> UpsertResult {
        let plan = UpsertPlan(model: model, rows: rows, storedByPosition: stored)
        if model == .candidate {
            let changed = plan.writes.filter { !$0.isNew }.map { rows[$0.position].id }
            try Self.deleteEmails(db, integrationID: integrationID, candidates: changed)
        }
        try Self.write(db, rows, plan.writes, integrationID: integrationID, now: now)
        if keepsViews {
            cleared.noteWritten(model, ids: plan.writes.lazy.map { rows[$0.position].id })
            try Self.apply(plan.staleViews, db, integrationID, cleared: &cleared)
        }
        for (kind, ids) in plan.changeLog {
            try Self.log(db, integrationID, model, ids, kind, now)
        }
        try Self.apply(plan.touches.targets(skipping: plan.writtenIDs), db, integrationID, now: now)
        return plan.result
    }

    /// The first column of every row a bound statement returns (NULLs skipped); resets it.
    static func texts(_ handle: OpaquePointer, failure: String) throws -> [String] {
        var values: [String] = []
        try StatementBinder.forEachRow(handle, failure: failure) {
            if let value = Self.text(handle, 0) { values.append(value) }
        }
        return values
    }

    /// A text column of the current row, nil for NULL.
    static func text(_ handle: OpaquePointer, _ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: pointer)
    }

    /// Inserts or updates records (with multi-row statements), and inserts their candidates'
    /// email addresses (a changed candidate's old ones are deleted first: ``deleteEmails``).
    private static func write(
        _ db: Database,
        _ rows: [RecordRow],
        _ writes: [UpsertPlan.Write],
        integrationID: String,
        now: Int64
    ) throws {
        guard !writes.isEmpty else { return }
        // Rows are read in place through a buffer, never copied (see ``UpsertPlan/Write``).
        var emails: [(id: String, email: String)] = []
        try rows.withUnsafeBufferPointer { rows in
            try Self.recordInsert.run(db, writes) { binder, write in
                Self.bind(&binder, rows.baseAddress! + write.position, integrationID, now)
            }
            for write in writes {
                for email in rows[write.position].emails { emails.append((rows[write.position].id, email)) }
            }
        }
        try Self.emailInsert.run(db, emails) { binder, pair in
            binder.text(integrationID)
            binder.text(pair.email)
            binder.text(pair.id)
        }
    }

    /// Binds one row's values of ``recordInsert``, reading its fields where the row lies: a row
    /// passed by value, even one read in place, was copied whole first (retaining each of its
    /// texts and blobs).
    private static func bind(
        _ binder: inout StatementBinder,
        _ row: UnsafePointer<RecordRow>,
        _ integrationID: String,
        _ now: Int64
    ) {
        binder.text(integrationID)
        binder.integer(Int64(row.pointee.model.rawValue))
        binder.text(row.pointee.id)
        binder.text(row.pointee.remoteID)
        binder.integer(now)
        binder.integer(now)
        binder.integer(row.pointee.remoteDeletedAt)
        binder.blob(row.pointee.hash)
        binder.blob(row.pointee.data)
        binder.text(row.pointee.name)
        binder.text(row.pointee.search)
        binder.text(row.pointee.firstName)
        binder.text(row.pointee.lastName)
        binder.text(row.pointee.firstNameKey)
        binder.text(row.pointee.lastNameKey)
        binder.text(row.pointee.email)
        binder.integer(row.pointee.status.map(Int64.init))
        binder.integer(row.pointee.employmentType.map(Int64.init))
        binder.integer(row.pointee.visibility.map(Int64.init))
        binder.integer(row.pointee.outcome.map(Int64.init))
        binder.text(row.pointee.outcomeRaw)
        binder.text(row.pointee.candidateID)
        binder.text(row.pointee.jobID)
        binder.text(row.pointee.stageID)
        binder.text(row.pointee.tagID)
        binder.text(row.pointee.userID)
        binder.integer(row.pointee.index.map(Int64.init))
        binder.text(row.pointee.model == .candidate ? Self.emailColumn(row.pointee.emails) : nil)
    }

    private static let recordInsert = BulkInsert(
        prefix: """
            INSERT INTO records (
                integration_id, model, id, remote_id, changed_at, touched_at, remote_deleted_at, hash, data,
                name, search, first_name, last_name, first_name_key, last_name_key, email, status,
                employment_type, visibility, outcome, outcome_raw, candidate_id, job_id, stage_id, tag_id,
                user_id, stage_index, emails
            )
            """,
        width: 28,
        suffix: """
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
                emails = excluded.emails, pii_blanked = 0, view = NULL
            """
    )
    private static let emailInsert = BulkInsert(
        prefix: "INSERT OR IGNORE INTO candidate_emails (integration_id, email, candidate_id)",
        width: 3
    )
    private static let changeInsert = BulkInsert(
        prefix: "INSERT INTO changes (integration_id, model, record_id, kind, committed_at)",
        width: 5
    )

    /// Removes the email index entries of candidates, found through each one's `emails` column
    /// (the v7-ingest schema keeps no index of the entries by candidate: inserts into it were
    /// random-order b-tree writes).
    static func deleteEmails(_ db: Database, integrationID: String, candidates ids: [String]) throws {
        guard !ids.isEmpty else { return }
        let select = try db.cachedStatement(
            sql: "SELECT emails FROM records WHERE integration_id = ? AND model = ? AND id = ?"
        )
        let delete = try db.cachedStatement(
            sql: "DELETE FROM candidate_emails WHERE integration_id = ? AND email = ? AND candidate_id = ?"
        )
        for id in ids {
            let emails = try String.fetchOne(
                select,
                arguments: [integrationID, Int(Model.candidate.rawValue), id]
            )
            for email in Self.emailList(emails) {
                try delete.execute(arguments: [integrationID, String(email), id])
            }
        }
    }

    /// A candidate's `emails` column: its lower-cased addresses, one per line.
    static func emailColumn(_ emails: [String]) -> String? {
        emails.isEmpty ? nil : emails.joined(separator: "\n")
    }

    /// The addresses of an `emails` column.
    static func emailList(_ column: String?) -> [Substring] {
        column?.split(separator: "\n") ?? []
    }

    /// Moves the touched time of parents whose nested data changed, and logs them as TOUCHED
    /// (their own fields and `changed_at` did not move).
    static func apply(_ targets: [TouchTarget], _ db: Database, _ integrationID: String, now: Int64) throws {
        for target in targets {
            for chunk in target.keys.chunked(500) {
                let statement = try db.cachedStatement(sql: Self.touchSQL(target.column, keys: chunk.count))
                let handle = statement.sqliteStatement
                var binder = StatementBinder(handle)
                binder.integer(now)
                binder.text(integrationID)
                binder.integer(Int64(target.model.rawValue))
                for key in chunk { binder.text(key) }
                binder.integer(now)
                let touched = try Self.texts(handle, failure: "touching parents failed")
                try self.log(db, integrationID, target.model, touched, .touched, now)
            }
        }
    }

    /// Moves `touched_at` to the first parameter for the records of a model (third) whose
    /// `column` is one of `keys` parameters, if it is earlier (last), returning their ids.
    ///
    /// `+touched_at` keeps SQLite from answering through the touched-time index: without
    /// statistics it preferred that range (every record of the model touched before now, so
    /// each statement read the whole model) to the keys' own index.
    static func touchSQL(_ column: RecordColumn, keys: Int) -> String {
        """
        UPDATE records SET touched_at = ?
        WHERE integration_id = ? AND model = ? AND \(column.name) IN \(Self.placeholders(keys))
          AND +touched_at < ?
        RETURNING id
        """
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
        try Self.changeInsert.run(db, ids) { binder, id in
            binder.text(integrationID)
            binder.integer(Int64(model.rawValue))
            binder.text(id)
            binder.integer(Int64(kind.rawValue))
            binder.integer(now)
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

public import ATSBridgeCore
public import ATSBridgeProto
import ATSBridgeStoreRules
import NIOCore
import PostgresNIO

/// Upserts with the shared change rules (``UpsertPlan``): this file only fetches what is
/// stored and writes what the plan says.
extension PostgresStore {
    /// Rows per multi-row INSERT: 23 parameters each, well under PostgreSQL's 65,535.
    static let insertChunk = 500

    /// Upserts a batch with diff, in one transaction; see ``Store``.
    public func upsert(_ batch: RecordBatch, integrationID: String, at now: Int64) async throws -> UpsertResult {
        try await self.upsert(batches: [batch], createdHere: [:], integrationID: integrationID, at: now)
    }

    /// Upserts several batches (of any models) in one transaction; see ``Store``.
    public func upsert(batches: [RecordBatch], integrationID: String, at now: Int64) async throws -> UpsertResult {
        try await self.upsert(batches: batches, createdHere: [:], integrationID: integrationID, at: now)
    }

    /// Upserts a write command's records and its created-here marks in one transaction; see
    /// ``Store``.
    public func upsert(
        batches: [RecordBatch],
        createdHere: [Model: [String]],
        integrationID: String,
        at now: Int64
    ) async throws -> UpsertResult {
        // Encoded and hashed on two tasks; sorted by id, so that inserts walk the key in order.
        let encoded = try await EncodedBatch.encode(batches)
        return try await self.upsert(encoded: encoded, createdHere: createdHere, integrationID: integrationID, at: now)
    }

    /// Writes batches already encoded and created-here marks in one transaction.
    func upsert(
        encoded: [EncodedBatch],
        createdHere: [Model: [String]],
        integrationID: String,
        at now: Int64
    ) async throws -> UpsertResult {
        guard !encoded.isEmpty || !createdHere.isEmpty else { return UpsertResult() }
        let result = try await self.writeTransaction(integrationID: integrationID) { writer in
            try await Self.markCreatedHere(writer.connection, writer.logger, integrationID, createdHere)
            var total = UpsertResult()
            for batch in encoded {
                total.merge(try await writer.upsert(batch.rows, batch.model, now: now))
            }
            return total
        }
        await self.noted(written: result.created.count + result.changed.count)
        return result
    }
}

extension RecordWriter {
    /// One model's rows, inside the writer's transaction.
    func upsert(_ rows: [RecordRow], _ model: Model, now: Int64) async throws -> UpsertResult {
        let stored = try await self.storedStates(model, rows.map(\.id))
        let plan = UpsertPlan(model: model, rows: rows, storedByPosition: stored)
        guard !plan.writes.isEmpty else { return plan.result }
        for chunk in stride(from: 0, to: plan.writes.count, by: PostgresStore.insertChunk) {
            let writes = plan.writes[chunk..<min(chunk + PostgresStore.insertChunk, plan.writes.count)]
            try await self.save(writes.map { rows[$0.position] }, model, now: now)
        }
        if model == .candidate {
            try await self.saveEmails(
                plan.writes.filter { !$0.isNew }.map { rows[$0.position].id },
                plan.writes.map { rows[$0.position] }
            )
        }
        try await self.clear(plan.staleViews)
        for entry in plan.changeLog { try await self.log(model, entry.ids, entry.kind, now) }
        try await self.touch(plan.touches.targets(skipping: plan.writtenIDs), now: now)
        return plan.result
    }

    /// What is stored of `ids` (in byte order, one of each, as the prepared rows), by position.
    private func storedStates(_ model: Model, _ ids: [String]) async throws -> [StoredState?] {
        var stored = [StoredState?](repeating: nil, count: ids.count)
        // Matched by bytes, as the key compares them: a `String`-keyed dictionary would take
        // canonically equivalent ids for one record.
        var walk = IDWalk(ids: ids)
        let number = Int32(model.rawValue)
        for start in stride(from: 0, to: ids.count, by: 10_000) {
            let chunk = Array(ids[start..<min(start + 10_000, ids.count)])
            let rows = try await self.connection.query(
                """
                SELECT id, hash, remote_deleted_at IS NOT NULL, candidate_id, job_id FROM records
                WHERE integration_id = \(self.integrationID) AND model = \(number) AND id = ANY(\(chunk))
                """,
                logger: self.logger
            )
            for try await (id, hash, deleted, candidateID, jobID) in rows.decode(
                (String, ByteBuffer, Bool, String?, String?).self
            ) {
                guard let position = walk.position(of: id) else { continue }
                stored[position] = StoredState(
                    hash: Array(hash.readableBytesView),
                    deleted: deleted,
                    candidateID: candidateID,
                    jobID: jobID
                )
            }
        }
        return stored
    }

    /// Inserts or replaces rows in one multi-row statement; their kept views become stale.
    private func save(_ rows: [RecordRow], _ model: Model, now: Int64) async throws {
        var bindings = PostgresBindings(capacity: rows.count * 23 + 3)
        bindings.append(self.integrationID)
        bindings.append(Int32(model.rawValue))
        bindings.append(now)
        for row in rows {
            bindings.append(row.id)
            bindings.append(row.remoteID)
            bindings.append(row.remoteDeletedAt)
            bindings.append(ByteBuffer(bytes: row.hash))
            bindings.append(ByteBuffer(bytes: row.data))
            bindings.append(row.name)
            bindings.append(row.search)
            bindings.append(row.firstName)
            bindings.append(row.lastName)
            bindings.append(row.firstNameKey)
            bindings.append(row.lastNameKey)
            bindings.append(row.email)
            bindings.append(row.status)
            bindings.append(row.employmentType)
            bindings.append(row.visibility)
            bindings.append(row.outcome)
            bindings.append(row.outcomeRaw)
            bindings.append(row.candidateID)
            bindings.append(row.jobID)
            bindings.append(row.stageID)
            bindings.append(row.tagID)
            bindings.append(row.userID)
            bindings.append(row.index)
        }
        let sql = rows.count == PostgresStore.insertChunk ? Self.fullInsert : Self.insert(rows: rows.count)
        try await self.connection.run(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: self.logger)
    }

    /// The statement of a full chunk, built once.
    private static let fullInsert = Self.insert(rows: PostgresStore.insertChunk)

    /// The multi-row upsert of `rows` rows: $1 integration, $2 model, $3 time, then 23 per row.
    private static func insert(rows: Int) -> String {
        let values = (0..<rows).map { row in
            let first = 4 + row * 23
            let own = (first + 2..<first + 23).map { "$\($0)" }.joined(separator: ", ")
            return "($1, $2, $\(first), $\(first + 1), $3, $3, \(own))"
        }.joined(separator: ", ")
        let replaced = Self.columns.dropFirst(2).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return """
            INSERT INTO records (\(Self.columns.joined(separator: ", "))) VALUES \(values)
            ON CONFLICT (integration_id, model, id) DO UPDATE SET \(replaced), pii_blanked = false, view = NULL
            """
    }

    /// The written columns, in the order of each row's values; all but the key are replaced
    /// when the row exists.
    private static let columns = [
        "integration_id", "model", "id", "remote_id", "changed_at", "touched_at", "remote_deleted_at", "hash",
        "data", "name", "search", "first_name", "last_name", "first_name_key", "last_name_key", "email", "status",
        "employment_type", "visibility", "outcome", "outcome_raw", "candidate_id", "job_id", "stage_id", "tag_id",
        "user_id", "stage_index",
    ]

    /// Replaces the email index of written candidates (`changed`: those that existed before).
    private func saveEmails(_ changed: [String], _ rows: [RecordRow]) async throws {
        if !changed.isEmpty {
            try await self.connection.run(
                """
                DELETE FROM candidate_emails
                WHERE integration_id = \(self.integrationID) AND candidate_id = ANY(\(changed))
                """,
                logger: self.logger
            )
        }
        var emails: [String] = []
        var candidates: [String] = []
        for row in rows {
            for email in row.emails {
                emails.append(email)
                candidates.append(row.id)
            }
        }
        guard !emails.isEmpty else { return }
        try await self.connection.run(
            """
            INSERT INTO candidate_emails (integration_id, email, candidate_id)
            SELECT \(self.integrationID), email, candidate_id FROM unnest(\(emails)::text[], \(candidates)::text[])
                AS e(email, candidate_id)
            ON CONFLICT DO NOTHING
            """,
            logger: self.logger
        )
    }
}

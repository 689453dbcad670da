public import ATSBridgeCore
public import ATSBridgeProto
import Foundation
import GRDB

extension SQLiteStore {
    /// The most values one `ids`, `remote_ids` or model list filter may hold.
    static let maxFilterValues = 1000

    /// One page of records in id order, with nested views; see ``RecordReading``.
    public func page(_ query: RecordQuery, budget: ReadMemoryBudget?) async throws -> RecordPage {
        try await RecordPage.read(under: budget) {
            try await self.read { db in
                guard RecordPage.mayRead(under: budget) else { return nil }
                var page = try self.readPage(db, query)
                page.charge(to: budget)
                return page
            }
        }
    }

    /// Every page of the query, read ahead on a reader thread while the caller sends; see
    /// ``PageReadAhead``.
    public func pages(_ query: RecordQuery, budget: ReadMemoryBudget?) -> RecordPages {
        RecordPages { PageReadAhead(store: self, query: query, budget: budget) }
    }

    /// One page, read inside the caller's read transaction.
    func readPage(_ db: Database, _ query: RecordQuery) throws -> RecordPage {
        guard RecordQuery.pageSizes.contains(query.pageSize) else {
            throw ATSBridgeError(.inputInvalid, "page_size must be from 1 to 1000, got \(query.pageSize)")
        }
        let after = try query.cursor.map {
            try PageCursor(decoding: $0, secret: self.cursorSecret, expectedFingerprint: query.fingerprint).lastID
        }
        // A storage-order cursor holding an id, not a row, was made by a build that listed
        // candidates, applications, jobs and users in id order: that list goes on in id order.
        if query.order == .storage, query.isUnfiltered, after.map({ Int64($0) != nil }) ?? true {
            return try self.storagePage(db, query, afterRow: after.flatMap { Int64($0) } ?? 0)
        }
        var sql = """
            SELECT \(Self.fetchedColumns) FROM records
            \(Self.touchedIndexHint)WHERE integration_id = ? AND model = ?
            """
        var arguments: [any DatabaseValueConvertible] = [query.integrationID, Int(query.model.rawValue)]
        if let after {
            sql += " AND id > ?"
            arguments.append(after)
        }
        if !query.includeDeleted { sql += " AND remote_deleted_at IS NULL" }
        try Self.addIn("id", query.ids, field: "ids", to: &sql, &arguments)
        try Self.addIn("remote_id", query.remoteIDs, field: "remote_ids", to: &sql, &arguments)
        if let updatedAfter = query.updatedAfter {
            sql += " AND touched_at > ?"
            arguments.append(updatedAfter)
        }
        try Self.addFilter(query.filter, integrationID: query.integrationID, to: &sql, &arguments)
        sql += " ORDER BY id LIMIT ?"
        arguments.append(query.pageSize + 1)
        let selective = try Self.isSelective(db, query)
        let scan = try PageScan(
            db,
            query.model,
            query.integrationID,
            sql: sql.replacingOccurrences(
                of: Self.touchedIndexHint,
                with: selective ? "INDEXED BY records_touched " : ""
            ),
            arguments: Self.arguments(arguments),
            pageSize: query.pageSize,
            // An unfiltered page holds every live record of its id range.
            contiguous: query.isUnfiltered
        )
        let next =
            scan.hasMore
            ? scan.lastID.map {
                PageCursor(lastID: $0, fingerprint: query.fingerprint).encode(secret: self.cursorSecret)
            } : nil
        return scan.page(nextCursor: next)
    }

    /// An unfiltered page in row order (``RecordOrder/storage``): table rows are read in their
    /// physical order through `records_scan` (integration, model, row), not fetched one by one
    /// in id order. An update keeps its row, so a record is returned once however it changes.
    private func storagePage(_ db: Database, _ query: RecordQuery, afterRow: Int64) throws -> RecordPage {
        let live = query.includeDeleted ? "" : " AND remote_deleted_at IS NULL"
        let scan = try PageScan(
            db,
            query.model,
            query.integrationID,
            sql: """
                SELECT \(Self.fetchedColumns), row FROM records INDEXED BY records_scan
                WHERE integration_id = ? AND model = ? AND row > ?\(live) ORDER BY row LIMIT ?
                """,
            arguments: [query.integrationID, Int(query.model.rawValue), afterRow, query.pageSize + 1],
            pageSize: query.pageSize,
            contiguous: false
        )
        let next =
            scan.hasMore
            ? scan.lastRow.map {
                PageCursor(lastID: String($0), fingerprint: query.fingerprint).encode(secret: self.cursorSecret)
            } : nil
        return scan.page(nextCursor: next)
    }

    private static let touchedIndexHint = "/*touched*/"
    /// Below this many matches, an `updated_after` query reads the touched-time index and sorts
    /// the few matches by id; above it, it walks the id order and filters.
    private static let selectiveLimit = 5_000

    /// Whether `updated_after` selects few records. SQLite cannot tell from its statistics how
    /// many rows a time range holds, so it is asked with a bounded count over the index.
    private static func isSelective(_ db: Database, _ query: RecordQuery) throws -> Bool {
        guard let updatedAfter = query.updatedAfter else { return false }
        let count =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM (SELECT 1 FROM records INDEXED BY records_touched
                    WHERE integration_id = ? AND model = ? AND touched_at > ? LIMIT ?)
                    """,
                arguments: [query.integrationID, Int(query.model.rawValue), updatedAfter, Self.selectiveLimit]
            ) ?? 0
        return count < Self.selectiveLimit
    }

    /// One record by id with its nested views; a deleted one only with `includeDeleted`.
    public func record(_ model: Model, id: String, integrationID: String, includeDeleted: Bool) async throws
        -> [UInt8]?
    {
        try await self.read { db in
            let fetched = try Self.fetchRecords(
                db,
                sql: """
                    SELECT \(Self.fetchedColumns)
                    FROM records WHERE integration_id = ? AND model = ? AND id = ?
                    """ + (includeDeleted ? "" : " AND remote_deleted_at IS NULL"),
                arguments: [integrationID, Int(model.rawValue), id]
            )
            return try Self.assemble(db, model, integrationID, fetched).first
        }
    }

    /// The columns ``fetchRecords(_:sql:arguments:)`` reads, in its order.
    static let fetchedColumns =
        "id, changed_at, touched_at, remote_deleted_at, data, candidate_id, job_id, stage_id, view"

    static func fetchRecords(_ db: Database, sql: String, arguments: StatementArguments) throws -> [FetchedRecord] {
        var records: [FetchedRecord] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            records.append(self.fetchedRecord(row))
        }
        return records
    }

    /// A record from a row whose first columns are ``fetchedColumns``.
    static func fetchedRecord(_ row: Row) -> FetchedRecord {
        FetchedRecord(
            id: row[0],
            changedAt: row[1],
            remoteDeletedAt: row[3],
            data: row[4],
            candidateID: row[5],
            jobID: row[6],
            stageID: row[7],
            view: row[8]
        )
    }

    private static func addIn(
        _ column: String,
        _ values: [String],
        field: String,
        to sql: inout String,
        _ arguments: inout [any DatabaseValueConvertible]
    ) throws {
        guard !values.isEmpty else { return }
        guard values.count <= self.maxFilterValues else {
            throw ATSBridgeError(.inputInvalid, "\(field) holds more than \(self.maxFilterValues) values")
        }
        sql += " AND \(column) IN \(self.placeholders(values.count))"
        arguments += values.map { $0 as any DatabaseValueConvertible }
    }

    private static func addIn(
        _ column: String,
        numbers values: [Int32],
        to sql: inout String,
        _ arguments: inout [any DatabaseValueConvertible]
    ) {
        guard !values.isEmpty else { return }
        sql += " AND \(column) IN \(self.placeholders(values.count))"
        arguments += values.map { Int($0) as any DatabaseValueConvertible }
    }

    private static func addFilter(
        _ filter: ModelFilter,
        integrationID: String,
        to sql: inout String,
        _ arguments: inout [any DatabaseValueConvertible]
    ) throws {
        switch filter {
        case .none:
            break
        case .jobs(let statuses, let employmentTypes, let visibilities, let nameContains):
            self.addIn("status", numbers: statuses.map(\.rawValue), to: &sql, &arguments)
            self.addIn("employment_type", numbers: employmentTypes.map(\.rawValue), to: &sql, &arguments)
            self.addIn("visibility", numbers: visibilities.map(\.rawValue), to: &sql, &arguments)
            if let nameContains, !nameContains.isEmpty {
                sql += " AND instr(search, ?) > 0"
                arguments.append(RecordRow.lowercaseKey(nameContains))
            }
        case .candidates(let email, let jobIDs, let firstName, let lastName):
            if let email {
                sql += " AND id IN (SELECT candidate_id FROM candidate_emails WHERE integration_id = ? AND email = ?)"
                arguments += [integrationID, RecordRow.lowercaseKey(email)]
            }
            if !jobIDs.isEmpty {
                guard jobIDs.count <= self.maxFilterValues else {
                    throw ATSBridgeError(.inputInvalid, "job_ids holds more than \(self.maxFilterValues) values")
                }
                sql += """
                     AND id IN (SELECT candidate_id FROM records WHERE integration_id = ? AND model = ?
                     AND remote_deleted_at IS NULL AND job_id IN \(self.placeholders(jobIDs.count)))
                    """
                arguments +=
                    [integrationID, Int(Model.application.rawValue)] + jobIDs.map { $0 as any DatabaseValueConvertible }
            }
            if let firstName {
                sql += " AND first_name_key = ?"
                arguments.append(RecordRow.lowercaseKey(firstName))
            }
            if let lastName {
                sql += " AND last_name_key = ?"
                arguments.append(RecordRow.lowercaseKey(lastName))
            }
        case .applications(let outcomes, let jobIDs, let jobRemoteIDs, let currentStageIDs):
            self.addIn("outcome", numbers: outcomes.map(\.rawValue), to: &sql, &arguments)
            try self.addIn("job_id", jobIDs, field: "job_ids", to: &sql, &arguments)
            if !jobRemoteIDs.isEmpty {
                guard jobRemoteIDs.count <= self.maxFilterValues else {
                    throw ATSBridgeError(.inputInvalid, "job_remote_ids holds more than \(self.maxFilterValues) values")
                }
                sql += """
                     AND job_id IN (SELECT id FROM records WHERE integration_id = ? AND model = ?
                     AND remote_id IN \(self.placeholders(jobRemoteIDs.count)))
                    """
                arguments +=
                    [integrationID, Int(Model.job.rawValue)] + jobRemoteIDs.map { $0 as any DatabaseValueConvertible }
            }
            try self.addIn("stage_id", currentStageIDs, field: "current_stage_ids", to: &sql, &arguments)
        case .users(let emails):
            try self.addIn("search", emails.map(RecordRow.lowercaseKey), field: "emails", to: &sql, &arguments)
        }
    }
}

/// A record row as read, before its nested views are assembled.
struct FetchedRecord: Sendable {
    var id: String
    var changedAt: Int64
    var remoteDeletedAt: Int64?
    var data: Data
    var candidateID: String?
    var jobID: String?
    var stageID: String?
    /// The kept nested views, nil when stale (or the model has none).
    var view: Data?
}

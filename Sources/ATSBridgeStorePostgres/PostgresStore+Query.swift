public import ATSBridgeCore
public import ATSBridgeProto
import ATSBridgeStoreRules
import NIOCore
import PostgresNIO

/// Reading records: keyset pages and single records, with their nested views.
extension PostgresStore {
    /// The most values one `ids`, `remote_ids` or model list filter may hold.
    static let maxFilterValues = 1000
    /// The columns ``PageRows`` reads, in its order.
    static let fetchedColumns = "id, changed_at, remote_deleted_at, data, candidate_id, job_id, stage_id, view"

    /// One page of records in id order, with nested views; see ``RecordReading``.
    public func page(_ query: RecordQuery, budget: ReadMemoryBudget?) async throws -> RecordPage {
        guard RecordQuery.pageSizes.contains(query.pageSize) else {
            throw ATSBridgeError(.inputInvalid, "page_size must be from 1 to 1000, got \(query.pageSize)")
        }
        let after = try query.cursor.map {
            try PageCursor(decoding: $0, secret: self.cursorSecret, expectedFingerprint: query.fingerprint).lastID
        }
        var sql = SQLBuilder()
        sql.append("SELECT \(Self.fetchedColumns) FROM records WHERE integration_id = ")
        sql.bind(query.integrationID)
        sql.append(" AND model = ")
        sql.bind(Int32(query.model.rawValue))
        if let after {
            sql.append(" AND id > ")
            sql.bind(after)
        }
        if !query.includeDeleted { sql.append(" AND remote_deleted_at IS NULL") }
        try Self.addIn("id", query.ids, field: "ids", to: &sql)
        try Self.addIn("remote_id", query.remoteIDs, field: "remote_ids", to: &sql)
        if let updatedAfter = query.updatedAfter {
            sql.append(" AND touched_at > ")
            sql.bind(updatedAfter)
        }
        try Self.addFilter(query.filter, integrationID: query.integrationID, to: &sql)
        // The primary key's order: with the two leading columns fixed, it needs no sort.
        sql.append(" ORDER BY integration_id, model, id LIMIT ")
        sql.bind(Int64(query.pageSize + 1))
        return try await RecordPage.read(under: budget) {
            try await self.withConnection(readOnly: true) { connection -> RecordPage? in
                guard RecordPage.mayRead(under: budget) else { return nil }
                var scan = PageRows(model: query.model, pageSize: query.pageSize)
                for try await row in try await connection.query(sql.query, logger: self.logger) {
                    try scan.add(row)
                }
                try await scan.assembleStale(NestedViewFetcher(connection, self.logger, query.integrationID))
                let next =
                    scan.hasMore
                    ? scan.lastID.map {
                        PageCursor(lastID: $0, fingerprint: query.fingerprint).encode(secret: self.cursorSecret)
                    } : nil
                var page = RecordPage(itemsWire: scan.wire, count: scan.count, nextCursor: next)
                // Charged while the connection is held: the next read sees it.
                page.charge(to: budget)
                return page
            }
        }
    }

    /// One record by id with its nested views; a deleted one only with `includeDeleted`.
    public func record(_ model: Model, id: String, integrationID: String, includeDeleted: Bool) async throws
        -> [UInt8]?
    {
        let number = Int32(model.rawValue)
        return try await self.withConnection(readOnly: true) { connection in
            var scan = PageRows(model: model, pageSize: 1)
            let rows = try await connection.query(
                """
                SELECT id, changed_at, remote_deleted_at, data, candidate_id, job_id, stage_id, view FROM records
                WHERE integration_id = \(integrationID) AND model = \(number) AND id = \(id)
                AND (\(includeDeleted) OR remote_deleted_at IS NULL)
                """,
                logger: self.logger
            )
            for try await row in rows { try scan.add(row) }
            try await scan.assembleStale(NestedViewFetcher(connection, self.logger, integrationID))
            return scan.count == 0
                ? nil : RecordPage(itemsWire: scan.wire, count: scan.count, nextCursor: nil).records.first
        }
    }

    /// Refuses a list filter longer than ``maxFilterValues``.
    private static func checkCount(_ values: [String], field: String) throws {
        guard values.count <= self.maxFilterValues else {
            throw ATSBridgeError(.inputInvalid, "\(field) holds more than \(self.maxFilterValues) values")
        }
    }

    private static func addIn(_ column: String, _ values: [String], field: String, to sql: inout SQLBuilder) throws {
        guard !values.isEmpty else { return }
        try self.checkCount(values, field: field)
        sql.append(" AND \(column) = ANY(")
        sql.bind(values)
        sql.append(")")
    }

    private static func addIn(_ column: String, numbers values: [Int32], to sql: inout SQLBuilder) {
        guard !values.isEmpty else { return }
        sql.append(" AND \(column) = ANY(")
        sql.bind(values)
        sql.append(")")
    }

    private static func addFilter(_ filter: ModelFilter, integrationID: String, to sql: inout SQLBuilder) throws {
        switch filter {
        case .none:
            break
        case .jobs(let statuses, let employmentTypes, let visibilities, let nameContains):
            self.addIn("status", numbers: statuses.map(\.rawValue), to: &sql)
            self.addIn("employment_type", numbers: employmentTypes.map(\.rawValue), to: &sql)
            self.addIn("visibility", numbers: visibilities.map(\.rawValue), to: &sql)
            if let nameContains, !nameContains.isEmpty {
                sql.append(" AND strpos(search, ")
                sql.bind(RecordRow.lowercaseKey(nameContains))
                sql.append(") > 0")
            }
        case .candidates(let email, let jobIDs, let firstName, let lastName):
            if let email {
                sql.append(" AND id IN (SELECT candidate_id FROM candidate_emails WHERE integration_id = ")
                sql.bind(integrationID)
                sql.append(" AND email = ")
                sql.bind(RecordRow.lowercaseKey(email))
                sql.append(")")
            }
            if !jobIDs.isEmpty {
                try self.checkCount(jobIDs, field: "job_ids")
                sql.append(" AND id IN (SELECT candidate_id FROM records WHERE integration_id = ")
                sql.bind(integrationID)
                sql.append(" AND model = \(Model.application.rawValue) AND remote_deleted_at IS NULL AND job_id = ANY(")
                sql.bind(jobIDs)
                sql.append("))")
            }
            if let firstName {
                sql.append(" AND first_name_key = ")
                sql.bind(RecordRow.lowercaseKey(firstName))
            }
            if let lastName {
                sql.append(" AND last_name_key = ")
                sql.bind(RecordRow.lowercaseKey(lastName))
            }
        case .applications(let outcomes, let jobIDs, let jobRemoteIDs, let currentStageIDs):
            self.addIn("outcome", numbers: outcomes.map(\.rawValue), to: &sql)
            try self.addIn("job_id", jobIDs, field: "job_ids", to: &sql)
            if !jobRemoteIDs.isEmpty {
                try self.checkCount(jobRemoteIDs, field: "job_remote_ids")
                sql.append(" AND job_id IN (SELECT id FROM records WHERE integration_id = ")
                sql.bind(integrationID)
                sql.append(" AND model = \(Model.job.rawValue) AND remote_id = ANY(")
                sql.bind(jobRemoteIDs)
                sql.append("))")
            }
            try self.addIn("stage_id", currentStageIDs, field: "current_stage_ids", to: &sql)
        case .users(let emails):
            try self.addIn("search", emails.map(RecordRow.lowercaseKey), field: "emails", to: &sql)
        }
    }
}

/// A statement built piece by piece, with its parameters numbered as they are bound.
struct SQLBuilder {
    private(set) var text = ""
    private var bindings = PostgresBindings()
    private var count = 0

    /// Appends SQL text (never a value).
    mutating func append(_ sql: String) { self.text += sql }

    /// Appends a parameter placeholder bound to `value`.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) {
        self.count += 1
        self.bindings.append(value)
        self.text += "$\(self.count)"
    }

    /// The statement.
    var query: PostgresQuery { PostgresQuery(unsafeSQL: self.text, binds: self.bindings) }
}

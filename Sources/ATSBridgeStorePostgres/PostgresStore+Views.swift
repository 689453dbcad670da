import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreRules
import NIOCore
import PostgresNIO

extension PostgresStore {
    /// Assembles and keeps the views of up to `limit` stale records; see ``NestedViewCache``.
    ///
    /// Each integration's share is assembled under its write lock, so a write that makes a view
    /// stale again cannot interleave with the view being kept.
    public func refreshStaleViews(limit: Int) async throws -> Int {
        try await self.refreshStaleViews(limit: limit, only: nil)
    }

    /// Assembles and keeps the views of up to `limit` stale records of some integrations; see
    /// ``NestedViewCache``.
    public func refreshStaleViews(limit: Int, of integrationIDs: [String]) async throws -> Int {
        try await self.refreshStaleViews(limit: limit, only: integrationIDs)
    }

    private func refreshStaleViews(limit: Int, only integrationIDs: [String]?) async throws -> Int {
        guard limit > 0 else { throw ATSBridgeError(.inputInvalid, "limit must be positive, got \(limit)") }
        if integrationIDs?.isEmpty == true { return 0 }
        // The model list as a literal: the partial index records_stale_views is used only when
        // the planner can prove its predicate from the query's.
        let models = NestedViewAssembly.models.map { String($0.rawValue) }.sorted().joined(separator: ", ")
        var bindings = PostgresBindings()
        bindings.append(Int64(limit))
        var only = ""
        if let integrationIDs {
            bindings.append(integrationIDs)
            only = " AND integration_id = ANY($2)"
        }
        let rows = try await self.rows(
            PostgresQuery(
                unsafeSQL: """
                    SELECT integration_id, model, id FROM records
                    WHERE view IS NULL AND model IN (\(models))\(only) ORDER BY integration_id, model, id LIMIT $1
                    """,
                binds: bindings
            ),
            readOnly: true
        )
        var groups: [(integrationID: String, model: Int32, ids: [String])] = []
        for row in rows {
            let (integrationID, model, id) = try row.decode((String, Int32, String).self)
            if groups.last?.integrationID != integrationID || groups.last?.model != model {
                groups.append((integrationID, model, []))
            }
            groups[groups.count - 1].ids.append(id)
        }
        for group in groups {
            try await self.writeTransaction(integrationID: group.integrationID) { writer in
                try await writer.refreshViews(Model(rawValue: group.model), ids: group.ids)
            }
        }
        return rows.count
    }

    /// Marks every kept view stale; see ``NestedViewCache``.
    public func invalidateAllViews() async throws {
        _ = try await self.rows("UPDATE records SET view = NULL WHERE view IS NOT NULL")
    }
}

extension RecordWriter {
    /// Assembles and keeps the views of those of `ids` still stale.
    func refreshViews(_ model: Model, ids: [String]) async throws {
        let number = Int32(model.rawValue)
        let rows = try await self.connection.rows(
            """
            SELECT id, candidate_id, job_id, stage_id FROM records
            WHERE integration_id = \(self.integrationID) AND model = \(number) AND id = ANY(\(ids)) AND view IS NULL
            ORDER BY id
            """,
            logger: self.logger
        )
        let heads = try rows.map { row in
            let (id, candidateID, jobID, stageID) = try row.decode((String, String?, String?, String?).self)
            return RecordHead(id: id, candidateID: candidateID, jobID: jobID, stageID: stageID)
        }
        guard !heads.isEmpty else { return }
        let views = try await NestedViewFetcher(self.connection, self.logger, self.integrationID).views(model, heads)
        let buffers = views.map { ByteBuffer(bytes: $0) }
        let keptIDs = heads.map(\.id)
        try await self.connection.run(
            """
            UPDATE records SET view = kept.view
            FROM unnest(\(keptIDs)::text[], \(buffers)::bytea[]) AS kept(id, view)
            WHERE records.integration_id = \(self.integrationID) AND records.model = \(number) AND records.id = kept.id
            """,
            logger: self.logger
        )
    }
}

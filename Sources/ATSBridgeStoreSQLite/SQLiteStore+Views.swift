public import ATSBridgeCore
import ATSBridgeProto
import Foundation
import GRDB

extension SQLiteStore: NestedViewCache {
    /// Assembles and keeps the views of up to `limit` stale records; see ``NestedViewCache``.
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
        return try await self.write { db in
            let rows = try Self.staleRows(db, limit: limit, only: integrationIDs)
            var groups: [(integrationID: String, model: Model, records: [FetchedRecord], rows: [Int64])] = []
            for row in rows {
                let integrationID: String = row[10]
                let model = Model(rawValue: Int32(row[11] as Int64))
                if groups.last?.integrationID != integrationID || groups.last?.model != model {
                    groups.append((integrationID, model, [], []))
                }
                groups[groups.count - 1].records.append(Self.fetchedRecord(row))
                groups[groups.count - 1].rows.append(row[9])
            }
            let update = try db.cachedStatement(sql: "UPDATE records SET view = ? WHERE row = ?")
            for group in groups {
                // Row order scatters a batch's ids over the whole id range: children are looked
                // up by key, never by one scan of the batch's id range.
                let views = try Self.nestedViews(db, group.model, group.integrationID, group.records)
                for (view, row) in zip(views, group.rows) {
                    try update.execute(arguments: [Data(view), row])
                }
            }
            return rows.count
        }
    }

    /// Up to `limit` stale rows (of `integrationIDs` only, when given; never of an integration
    /// whose first sync has not completed), grouped by integration and model: the partial index
    /// holds exactly the stale rows, in (integration, model, row) order.
    private static func staleRows(_ db: Database, limit: Int, only integrationIDs: [String]?) throws -> [Row] {
        let select = """
            SELECT \(Self.fetchedColumns), row, integration_id, model FROM records
            INDEXED BY records_stale_views
            WHERE view IS NULL AND model IN \(Self.nestedModelList)
            """
        // Views wait for each integration's first sync (SQLiteStore+SetupViews).
        let pending = try Self.pendingIntegrations(db)
        guard let integrationIDs else {
            guard !pending.isEmpty else { return try Row.fetchAll(db, sql: select + " LIMIT ?", arguments: [limit]) }
            let excluded = String(decoding: try JSONEncoder().encode(pending.sorted()), as: UTF8.self)
            return try Row.fetchAll(
                db,
                sql: select + " AND integration_id NOT IN (SELECT value FROM json_each(?)) LIMIT ?",
                arguments: [excluded, limit]
            )
        }
        var rows: [Row] = []
        // Each integration once, or its rows would be read (and counted) twice.
        for chunk in Array(Set(integrationIDs).subtracting(pending)).chunked(500) where rows.count < limit {
            let marks = chunk.map { _ in "?" }.joined(separator: ", ")
            rows += try Row.fetchAll(
                db,
                sql: select + " AND integration_id IN (\(marks)) LIMIT ?",
                arguments: Self.arguments(chunk.map { $0 as any DatabaseValueConvertible } + [limit - rows.count])
            )
        }
        return rows
    }

    /// Marks every kept view stale; see ``NestedViewCache``.
    public func invalidateAllViews() async throws {
        try await self.write { db in
            try db.execute(sql: "UPDATE records SET view = NULL WHERE view IS NOT NULL")
        }
    }
}

public import ATSBridgeCore
import ATSBridgeProto
import Foundation
import GRDB

extension SQLiteStore: NestedViewCache {
    /// Assembles and keeps the views of up to `limit` stale records; see ``NestedViewCache``.
    public func refreshStaleViews(limit: Int) async throws -> Int {
        guard limit > 0 else { throw ATSBridgeError(.inputInvalid, "limit must be positive, got \(limit)") }
        return try await self.write { db in
            // The partial index holds exactly the stale rows, in (integration, model, row) order.
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.fetchedColumns), row, integration_id, model FROM records
                    INDEXED BY records_stale_views
                    WHERE view IS NULL AND model IN \(Self.nestedModelList) LIMIT ?
                    """,
                arguments: [limit]
            )
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

    /// Marks every kept view stale; see ``NestedViewCache``.
    public func invalidateAllViews() async throws {
        try await self.write { db in
            try db.execute(sql: "UPDATE records SET view = NULL WHERE view IS NOT NULL")
        }
    }
}

import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreRules
import Foundation
import GRDB

/// Assembles the records of a page: the stored own fields, the store-managed times, and the
/// nested views (``RecordWire`` and ``NestedViewAssembly`` decide; this runs their lookups).
extension SQLiteStore {
    /// `(2, 3, 5)`: the numbers of the models with nested views, for SQL.
    static let nestedModelList =
        "(" + NestedViewAssembly.models.map { String($0.rawValue) }.sorted().joined(separator: ", ") + ")"

    /// The records as sent: stored own fields, store-managed times, and nested views (the kept
    /// ones, or assembled now for records whose kept view is stale).
    static func assemble(
        _ db: Database,
        _ model: Model,
        _ integrationID: String,
        _ records: [FetchedRecord],
        contiguous: Bool = false
    ) throws -> [[UInt8]] {
        guard !records.isEmpty else { return [] }
        let wire = RecordWire(model)
        var out = records.map { record in
            wire.record(
                data: record.data,
                changedAt: record.changedAt,
                remoteDeletedAt: record.remoteDeletedAt,
                view: record.view ?? Data()
            )
        }
        guard NestedViewAssembly.models.contains(model) else { return out }
        let stale = records.indices.filter { records[$0].view == nil }
        guard !stale.isEmpty else { return out }
        let views = try self.nestedViews(
            db,
            model,
            integrationID,
            stale.map { records[$0] },
            contiguous: contiguous && stale.count == records.count
        )
        for (view, index) in zip(views, stale) { out[index].append(contentsOf: view) }
        return out
    }

    /// The nested views of each record, encoded as the extra fields of its message, each kind
    /// of child looked up for all the records at once (never one query per row).
    ///
    /// - Parameter contiguous: the records are every live record of their id range (an
    ///   unfiltered page): their children are read with one range scan.
    static func nestedViews(
        _ db: Database,
        _ model: Model,
        _ integrationID: String,
        _ records: [FetchedRecord],
        contiguous: Bool = false
    ) throws -> [[UInt8]] {
        var assembly = NestedViewAssembly(
            model: model,
            records: records.map {
                RecordHead(id: $0.id, candidateID: $0.candidateID, jobID: $0.jobID, stageID: $0.stageID)
            }
        )
        while case let lookups = try assembly.nextLookups(), !lookups.isEmpty {
            for lookup in lookups {
                assembly.receive(try self.childRows(db, integrationID, lookup, contiguous: contiguous), for: lookup)
            }
        }
        return try assembly.views()
    }

    /// The rows a lookup asks for.
    ///
    /// The SQL has no ORDER BY: with one, SQLite prefers walking the (integration, model, id)
    /// index over the whole model to avoid a sort, instead of probing the `column` index; the
    /// assembly orders rows by id itself.
    static func childRows(
        _ db: Database,
        _ integrationID: String,
        _ lookup: ChildLookup,
        contiguous: Bool
    ) throws -> [ChildRow] {
        let live = lookup.liveOnly ? " AND remote_deleted_at IS NULL" : ""
        let columns = (["id", lookup.column.name] + lookup.columns.map(\.name)).joined(separator: ", ")
        var found: [ChildRow] = []
        func collect(_ cursor: RowCursor, wanted: Set<ExactID>?) throws {
            while let row = try cursor.next() {
                if let wanted, !wanted.contains(ExactID(row[1] as String? ?? "")) { continue }
                var child = ChildRow(id: row[0])
                for (offset, column) in lookup.columns.enumerated() {
                    switch column.kind {
                    case .text: child.set(column, text: row[offset + 2])
                    case .integer: child.set(column, integer: row[offset + 2])
                    case .blob: child.data = (row[offset + 2] as Data?).map { [UInt8]($0) }
                    }
                }
                found.append(child)
            }
        }
        let keys = lookup.keys
        if lookup.keysAreRecordIDs, contiguous, keys.count > 32, let low = keys.first, let high = keys.last {
            // One range scan over the page's id range; records outside the page are skipped.
            let sql = """
                SELECT \(columns) FROM records WHERE integration_id = ? AND model = ?
                AND \(lookup.column.name) >= ? AND \(lookup.column.name) <= ?\(live)
                """
            let arguments: StatementArguments = [integrationID, Int(lookup.model.rawValue), low, high]
            try collect(try Row.fetchCursor(db, sql: sql, arguments: arguments), wanted: Set(keys.map(ExactID.init)))
        } else {
            for chunk in keys.chunked(500) {
                let sql = """
                    SELECT \(columns) FROM records WHERE integration_id = ? AND model = ?
                    AND \(lookup.column.name) IN \(Self.placeholders(chunk.count))\(live)
                    """
                let arguments: [any DatabaseValueConvertible] =
                    [integrationID, Int(lookup.model.rawValue)] + chunk.map { $0 as any DatabaseValueConvertible }
                try collect(try Row.fetchCursor(db, sql: sql, arguments: Self.arguments(arguments)), wanted: nil)
            }
        }
        return found
    }
}

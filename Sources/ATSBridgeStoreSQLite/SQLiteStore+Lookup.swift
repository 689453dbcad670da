import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreRules
import GRDB
internal import GRDBSQLite

extension SQLiteStore {
    /// What is stored of `ids` (in byte order, one of each, as the rows
    /// ``RecordRow/sortedRows(of:parts:)`` makes), by position: nil where nothing is, read with
    /// SQLite's C API. The unchanged re-upsert of a full sync is mostly this lookup.
    ///
    /// SQLite returns the rows of `id IN (…)` in the key index's order, which is the ids' byte
    /// order, so each result is matched to its position by walking both (no `String` per
    /// result, no dictionary; ``IDWalk``).
    static func existing(
        _ db: Database,
        _ integrationID: String,
        _ model: Model,
        _ ids: [String]
    ) throws -> [StoredState?] {
        var stored = [StoredState?](repeating: nil, count: ids.count)
        var walk = IDWalk(ids: ids)
        for chunk in Array(ids.indices).chunked(500) {
            let statement = try db.cachedStatement(
                sql: """
                    SELECT id, hash, remote_deleted_at IS NOT NULL, candidate_id, job_id FROM records
                    WHERE integration_id = ? AND model = ? AND id IN \(Self.placeholders(chunk.count))
                    """
            )
            let handle = statement.sqliteStatement
            var binder = StatementBinder(handle)
            binder.text(integrationID)
            binder.integer(Int64(model.rawValue))
            for position in chunk { binder.text(ids[position]) }
            try StatementBinder.forEachRow(handle, failure: "record lookup failed") {
                guard let position = walk.position(of: Self.bytes(handle, 0)) else { return }
                stored[position] = StoredState(
                    hash: Array(Self.bytes(handle, 1)),
                    deleted: sqlite3_column_int64(handle, 2) != 0,
                    candidateID: Self.text(handle, 3),
                    jobID: Self.text(handle, 4)
                )
            }
        }
        return stored
    }

    /// A text or blob column of the current row, valid until the next step.
    static func bytes(_ handle: OpaquePointer, _ column: Int32) -> UnsafeRawBufferPointer {
        let pointer = sqlite3_column_blob(handle, column)
        return UnsafeRawBufferPointer(
            start: pointer,
            count: pointer == nil ? 0 : Int(sqlite3_column_bytes(handle, column))
        )
    }
}

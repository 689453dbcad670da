import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreRules
import Foundation
import GRDB
internal import GRDBSQLite

extension SQLiteStore {
    /// What is stored of `ids` (sorted, one of each, as the rows ``RecordRow/sortedRows(of:parts:)``
    /// makes), by position: nil where nothing is, read with SQLite's C API. The unchanged
    /// re-upsert of a full sync is mostly this lookup.
    ///
    /// SQLite returns the rows of `id IN (…)` in the key index's order, which for the ids the
    /// store makes is the ids' order, so each result is matched to its position by walking both
    /// (no `String` per result, no dictionary). A result that does not match where the walk
    /// is (ids whose `String` order is not their bytes' order) is found through a dictionary of
    /// the ids, made the first time it is needed.
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
            defer { sqlite3_reset(handle) }
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "record lookup failed")
                }
                guard let position = walk.position(of: Self.bytes(handle, 0)) else { continue }
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
    private static func bytes(_ handle: OpaquePointer, _ column: Int32) -> UnsafeRawBufferPointer {
        let pointer = sqlite3_column_blob(handle, column)
        return UnsafeRawBufferPointer(
            start: pointer,
            count: pointer == nil ? 0 : Int(sqlite3_column_bytes(handle, column))
        )
    }
}

/// Matches ids read back from the store to their positions among sorted ids.
struct IDWalk {
    private let ids: [String]
    private var next = 0
    private var positions: [String: Int]?

    init(ids: [String]) {
        self.ids = ids
    }

    /// The position of id `bytes`, nil if it is not among the ids.
    mutating func position(of bytes: UnsafeRawBufferPointer) -> Int? {
        while self.next < self.ids.count {
            let order = Self.compare(self.ids[self.next], bytes)
            if order > 0 { break }
            self.next += 1
            if order == 0 { return self.next - 1 }
        }
        if self.positions == nil {
            self.positions = Dictionary(self.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { $1 })
        }
        return self.positions?[String(decoding: bytes, as: UTF8.self)]
    }

    /// The order of a string's UTF-8 bytes and `bytes`: negative, zero or positive.
    private static func compare(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Int {
        var text = text
        return text.withUTF8 { utf8 in
            let common = min(utf8.count, bytes.count)
            if common > 0, let base = bytes.baseAddress {
                let order = memcmp(utf8.baseAddress!, base, common)
                if order != 0 { return Int(order) }
            }
            return utf8.count - bytes.count
        }
    }
}

import GRDB
internal import GRDBSQLite

/// Binds values to a prepared statement in order with SQLite's C API: no boxing of each value
/// into GRDB's `DatabaseValue`, which dominated bulk writes.
struct StatementBinder {
    /// SQLite copies bound text and blobs (SQLITE_TRANSIENT, a macro Swift cannot import).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    let handle: OpaquePointer
    private(set) var index: Int32 = 1

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    /// Binds text, or NULL.
    mutating func text(_ value: String?) {
        if let value {
            // `withCString`, not the string passed as the argument: Swift makes that argument a
            // NUL-terminated copy on the heap (`utf8CString`), one per bound text, while a
            // native string's own bytes already end in a NUL. Same text either way: SQLite reads
            // up to the first NUL.
            _ = value.withCString { sqlite3_bind_text(self.handle, self.index, $0, -1, Self.transient) }
        } else {
            sqlite3_bind_null(self.handle, self.index)
        }
        self.index += 1
    }

    /// Binds an integer, or NULL.
    mutating func integer(_ value: Int64?) {
        if let value {
            sqlite3_bind_int64(self.handle, self.index, value)
        } else {
            sqlite3_bind_null(self.handle, self.index)
        }
        self.index += 1
    }

    /// Binds bytes (an empty blob for none, never NULL).
    mutating func blob(_ value: [UInt8]) {
        _ = value.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress, !bytes.isEmpty {
                sqlite3_bind_blob(self.handle, self.index, base, Int32(bytes.count), Self.transient)
            } else {
                sqlite3_bind_zeroblob(self.handle, self.index, 0)
            }
        }
        self.index += 1
    }

    /// Steps a bound statement through its rows, calling `row` at each (read the columns from
    /// `handle`), then resets it for the next use.
    @inline(__always)
    static func forEachRow(_ handle: OpaquePointer, failure: String, _ row: () throws -> Void) throws {
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: failure)
            }
            try row()
        }
    }

    /// Runs a statement that returns no rows, then resets it for the next use.
    static func execute(_ handle: OpaquePointer, failure: String) throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: failure)
        }
    }
}

import GRDB
import Testing

@testable import ATSBridgeStoreSQLite

/// Text bound from a string's own bytes keeps what it held: an empty string stays empty text,
/// not NULL; nil is NULL; short (inline) and long strings and non-ASCII letters arrive whole; a
/// string holding a NUL arrives up to it, as C strings do.
@Suite struct StatementBinderTests {
    @Test func textIsBoundWholeAndEmptyIsNotNull() throws {
        let long = "Šťastný-Müller, Ján: a name well past fifteen bytes"
        let queue = try DatabaseQueue()
        let values: [String?] = try queue.read { db in
            let statement = try db.makeStatement(
                sql: "SELECT typeof(?1), ?1, typeof(?2), ?3, length(?3), ?4, typeof(?4), hex(?5)"
            )
            let handle = statement.sqliteStatement
            var binder = StatementBinder(handle)
            binder.text("")
            binder.text(nil)
            binder.text(long)
            binder.text("short")
            // Read back as hex(), which shows every byte bound: the text read back, or length(),
            // would stop at the NUL whatever was bound.
            binder.text("before\u{0}after")
            var row: [String?] = []
            try StatementBinder.forEachRow(handle, failure: "select failed") {
                row = (0..<8).map { SQLiteStore.text(handle, Int32($0)) }
            }
            return row
        }
        #expect(
            values == [
                "text", "", "null", long, String(long.count), "short", "text", "6265666F7265",
            ]
        )
    }
}

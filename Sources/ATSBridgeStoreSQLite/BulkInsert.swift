import GRDB
internal import GRDBSQLite

/// Multi-row `INSERT … VALUES (…), (…), …` statements: one statement step per many rows
/// instead of one per row, values bound with ``StatementBinder``.
struct BulkInsert {
    /// The statement up to `VALUES`.
    let prefix: String
    /// Values per row.
    let width: Int
    /// What follows the values (an `ON CONFLICT` clause).
    var suffix = ""

    /// Rows per statement, within SQLite's most conservative variable limit (999).
    var rowsPerStatement: Int { max(1, 999 / self.width) }

    private func sql(rows: Int) -> String {
        let one = "(" + Array(repeating: "?", count: self.width).joined(separator: ", ") + ")"
        return self.prefix + " VALUES " + Array(repeating: one, count: rows).joined(separator: ", ")
            + self.suffix
    }

    /// Inserts `rows`, `bind` binding each one's `width` values, inside the caller's
    /// transaction.
    func run<Row>(
        _ db: Database,
        _ rows: some Collection<Row>,
        bind: (inout StatementBinder, Row) -> Void
    ) throws {
        var remaining = rows[...]
        while !remaining.isEmpty {
            let chunk = remaining.prefix(self.rowsPerStatement)
            remaining = remaining.dropFirst(chunk.count)
            let statement = try db.cachedStatement(sql: self.sql(rows: chunk.count))
            let handle = statement.sqliteStatement
            var binder = StatementBinder(handle)
            for row in chunk { bind(&binder, row) }
            try StatementBinder.execute(handle, failure: "bulk insert failed")
        }
    }
}

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
    let suffix: String

    /// The statement for a full chunk (``rowsPerStatement`` rows), made once: most chunks are
    /// full, and each would otherwise build some 2 KB of SQL to look its statement up.
    private let fullSQL: String

    /// A statement inserting rows of `width` values between `prefix` and `suffix`.
    init(prefix: String, width: Int, suffix: String = "") {
        self.prefix = prefix
        self.width = width
        self.suffix = suffix
        self.fullSQL = Self.sql(prefix, width, suffix, rows: max(1, 999 / width))
    }

    /// Rows per statement, within SQLite's most conservative variable limit (999).
    var rowsPerStatement: Int { max(1, 999 / self.width) }

    private static func sql(_ prefix: String, _ width: Int, _ suffix: String, rows: Int) -> String {
        let one = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        return prefix + " VALUES " + Array(repeating: one, count: rows).joined(separator: ", ") + suffix
    }

    /// Inserts `rows`, `bind` binding each one's `width` values, inside the caller's
    /// transaction.
    ///
    /// Each row is bound where it is stored: iterating the array would copy every row out of
    /// it, retaining each of its texts once more (a record row holds some twenty).
    func run<Row>(
        _ db: Database,
        _ rows: [Row],
        bind: (inout StatementBinder, borrowing Row) -> Void
    ) throws {
        try rows.withUnsafeBufferPointer { rows in
            var start = 0
            while start < rows.count {
                let end = min(rows.count, start + self.rowsPerStatement)
                let sql =
                    end - start == self.rowsPerStatement
                    ? self.fullSQL : Self.sql(self.prefix, self.width, self.suffix, rows: end - start)
                let statement = try db.cachedStatement(sql: sql)
                let handle = statement.sqliteStatement
                var binder = StatementBinder(handle)
                for index in start..<end { bind(&binder, rows[index]) }
                try StatementBinder.execute(handle, failure: "bulk insert failed")
                start = end
            }
        }
    }
}

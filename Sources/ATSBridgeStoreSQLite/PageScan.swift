import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreRules
import Foundation
import GRDB
internal import GRDBSQLite

/// Reads one page of records straight into its wire form (``RecordPage/itemsWire``): each row's
/// stored bytes, times and kept nested views are copied from SQLite's buffers into the page,
/// with no allocation per record. Rows whose kept views are stale are assembled the slow way
/// and spliced in at their place.
struct PageScan {
    private(set) var wire: [UInt8] = []
    private(set) var count = 0
    private(set) var lastID: String?
    /// The last row's number, when the statement selects it after ``SQLiteStore/fetchedColumns``.
    private(set) var lastRow: Int64?
    private(set) var hasMore = false
    /// Stale rows, with where in `wire` each belongs.
    private var stale: [(position: Int, record: FetchedRecord)] = []

    /// Runs `sql`, whose columns are ``SQLiteStore/fetchedColumns``, keeping up to `pageSize`
    /// rows and noting whether one more exists.
    init(
        _ db: Database,
        _ model: Model,
        _ integrationID: String,
        sql: String,
        arguments: StatementArguments,
        pageSize: Int,
        contiguous: Bool
    ) throws {
        let statement = try db.cachedStatement(sql: sql)
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        let hasViews = NestedViewAssembly.models.contains(model)
        let layout = RecordWire(model)
        self.wire.reserveCapacity(pageSize * 1024)
        var lastID: [UInt8] = []
        let selectsRow = sqlite3_column_count(handle) > Self.rowColumn
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "page scan failed")
            }
            if self.count == pageSize {
                self.hasMore = true
                break
            }
            self.count += 1
            lastID.removeAll(keepingCapacity: true)
            Self.append(column: 0, of: handle, to: &lastID)
            if selectsRow { self.lastRow = sqlite3_column_int64(handle, Self.rowColumn) }
            if hasViews, sqlite3_column_type(handle, 8) == SQLITE_NULL {
                self.stale.append((self.wire.count, try Self.fetched(handle, id: lastID)))
                continue
            }
            self.appendItem(handle, layout)
        }
        self.lastID = lastID.isEmpty ? nil : String(decoding: lastID, as: UTF8.self)
        if !self.stale.isEmpty {
            try self.spliceStale(db, model, integrationID, contiguous: contiguous)
        }
    }

    /// Where a statement selects the row number (after ``SQLiteStore/fetchedColumns``).
    private static let rowColumn: Int32 = 9

    /// The page.
    func page(nextCursor: String?) -> RecordPage {
        RecordPage(itemsWire: self.wire, count: self.count, nextCursor: nextCursor)
    }

    /// Appends the current row as one item of the page: stored bytes, times and kept views.
    private mutating func appendItem(_ handle: OpaquePointer, _ layout: RecordWire) {
        let deleted = sqlite3_column_type(handle, 3) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 3)
        layout.appendPageItem(
            data: Self.bytes(column: 4, of: handle),
            changedAt: sqlite3_column_int64(handle, 1),
            remoteDeletedAt: deleted,
            view: Self.bytes(column: 8, of: handle),
            to: &self.wire
        )
    }

    /// A blob column's bytes, valid until the statement steps (empty for NULL).
    private static func bytes(column: Int32, of handle: OpaquePointer) -> UnsafeRawBufferPointer {
        // The pointer first: SQLite's documented order (the length then describes it).
        let pointer = sqlite3_column_blob(handle, column)
        let length = Int(sqlite3_column_bytes(handle, column))
        guard let pointer, length > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: pointer, count: length)
    }

    /// Appends a blob or text column's bytes (nothing for NULL or empty).
    private static func append(column: Int32, of handle: OpaquePointer, to out: inout [UInt8]) {
        let isText = sqlite3_column_type(handle, column) == SQLITE_TEXT
        let pointer =
            isText ? UnsafeRawPointer(sqlite3_column_text(handle, column)) : sqlite3_column_blob(handle, column)
        let length = Int(sqlite3_column_bytes(handle, column))
        guard let pointer, length > 0 else { return }
        out.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: length))
    }

    private static func fetched(_ handle: OpaquePointer, id: [UInt8]) throws -> FetchedRecord {
        func text(_ column: Int32) -> String? {
            guard let pointer = sqlite3_column_text(handle, column) else { return nil }
            return String(cString: pointer)
        }
        var data: [UInt8] = []
        self.append(column: 4, of: handle, to: &data)
        return FetchedRecord(
            id: String(decoding: id, as: UTF8.self),
            changedAt: sqlite3_column_int64(handle, 1),
            remoteDeletedAt: sqlite3_column_type(handle, 3) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 3),
            data: Data(data),
            candidateID: text(5),
            jobID: text(6),
            stageID: text(7),
            view: nil
        )
    }

    /// Assembles the stale rows' views (batched) and puts each item at its place.
    private mutating func spliceStale(
        _ db: Database,
        _ model: Model,
        _ integrationID: String,
        contiguous: Bool
    ) throws {
        let items = try SQLiteStore.assemble(
            db,
            model,
            integrationID,
            self.stale.map(\.record),
            contiguous: contiguous && self.stale.count == self.count
        )
        let layout = RecordWire(model)
        var spliced: [UInt8] = []
        spliced.reserveCapacity(self.wire.count + items.reduce(0) { $0 + $1.count + 4 })
        var from = 0
        for (entry, item) in zip(self.stale, items) {
            spliced.append(contentsOf: self.wire[from..<entry.position])
            layout.appendPageItem(item, to: &spliced)
            from = entry.position
        }
        spliced.append(contentsOf: self.wire[from...])
        self.wire = spliced
        self.stale = []
    }
}

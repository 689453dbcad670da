import ATSBridgeCore
import ATSBridgeProto
import GRDB
import Testing

@testable import ATSBridgeStoreSQLite

/// The settings of the SQLite store's connections that its write speed and memory rely on.
@Suite struct SQLiteConnectionSettingsTests {
    /// A multi-row upsert inside a transaction keeps a statement journal; spilled to a temporary
    /// file it cost more file writes than the WAL itself. The writer keeps it in memory; readers
    /// keep SQLite's default so that a large sort spills to disk instead of growing the heap.
    @Test func theWriterKeepsTemporaryDataInMemoryAndReadersOnDisk() async throws {
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: temporaryDatabasePath()))
        let writer = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") }
        let reader = try await store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") }
        #expect(writer == 2)  // MEMORY
        #expect(reader == 0)  // DEFAULT: files
    }

    /// A failed multi-row statement is still undone alone: the in-memory statement journal
    /// restores the pages it changed, and the transaction's earlier writes stay.
    @Test func aFailedStatementIsUndoneWithoutItsTransaction() async throws {
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: temporaryDatabasePath()))
        let count = try await store.pool.write { db -> Int in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)")
            try db.execute(sql: "INSERT INTO t (v) VALUES ('a'), ('b')")
            let rows = (0..<500).map { "('\(String(repeating: "x", count: 200))\($0)')" }.joined(separator: ", ")
            // 500 rows, then a duplicate of 'a': the statement fails after writing many pages.
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO t (v) VALUES \(rows), ('a')")
            }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM t") ?? -1
        }
        #expect(count == 2)
    }
}

import ATSBridgeCore
import ATSBridgeProto
import Foundation
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

    /// Checkpoints run beside the writer: past the threshold a background checkpoint copies
    /// the WAL into the database file, and the WAL stays bounded however long writes go on.
    @Test func theWALIsCheckpointedBesideTheWriterAndStaysBounded() async throws {
        let path = temporaryDatabasePath()
        var configuration = SQLiteStoreConfiguration(path: path)
        configuration.walCheckpointPages = 64
        let store = try await SQLiteStore(configuration: configuration)
        let integration = "wal"
        var largestWAL = 0
        for round in 0..<40 {
            let candidates = (0..<200).map { index in
                Candidate(
                    id: RecordID.make(integrationID: integration, model: .candidate, remoteID: "\(round)-\(index)"),
                    remoteID: "\(round)-\(index)",
                    title: String(repeating: "t", count: 300)
                )
            }
            _ = try await store.upsert(.candidates(candidates), integrationID: integration, at: Int64(round))
            largestWAL = max(largestWAL, fileSize(path + "-wal"))
        }
        // Polled: the background checkpoint finishes on its own thread.
        let deadline = ContinuousClock.now + .seconds(30)
        while store.checkpointer.checkpointsCompleted == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(store.checkpointer.checkpointsCompleted > 0)
        // The hard limit (4 × 64 pages) plus the last transaction's pages, in 4 KiB frames.
        #expect(largestWAL < (4 * 64 + 400) * 4_120)
        // 8,000 candidates of ~400 bytes: most of them reached the database file itself.
        #expect(fileSize(path) > 2_000_000)
        let stored = try await store.all(
            Candidate.self,
            RecordQuery(integrationID: integration, model: .candidate, pageSize: 1_000)
        )
        #expect(stored.count == 8_000)
    }
}

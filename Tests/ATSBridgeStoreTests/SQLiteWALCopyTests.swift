import ATSBridgeCore
import ATSBridgeProto
import Foundation
import Testing

@testable import ATSBridgeStoreSQLite

/// Readers look every page up among the WAL's frames not yet copied into the database file,
/// so the store copies them when writes pause, when it opens over a WAL left behind, and
/// empties the WAL when it closes.
@Suite struct SQLiteWALCopyTests {
    private let integration = "wal-copy"

    /// A configuration whose checkpoints never start on their own within a test.
    private func quiet(_ path: String) -> SQLiteStoreConfiguration {
        var configuration = SQLiteStoreConfiguration(path: path)
        configuration.walCheckpointPages = 1_000_000
        configuration.walIdleCheckpointDelay = .seconds(3_600)
        return configuration
    }

    private func write(_ count: Int, to store: SQLiteStore) async throws {
        let candidates = (0..<count).map { index in
            Candidate(
                id: RecordID.make(integrationID: self.integration, model: .candidate, remoteID: "\(index)"),
                remoteID: "\(index)",
                title: String(repeating: "t", count: 300)
            )
        }
        _ = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 1)
    }

    private func storedCount(_ store: SQLiteStore) async throws -> Int {
        try await store.all(
            Candidate.self,
            RecordQuery(integrationID: self.integration, model: .candidate, pageSize: 1_000)
        ).count
    }

    /// Opens a store and waits for the checkpoint every opening starts.
    private func open(_ configuration: SQLiteStoreConfiguration) async throws -> SQLiteStore {
        let store = try await SQLiteStore(configuration: configuration)
        let deadline = ContinuousClock.now + .seconds(30)
        while store.checkpointer.checkpointsCompleted == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return store
    }

    /// Polls until a background checkpoint after the first `after` copies a WAL whole.
    private func waitForWholeCopy(_ store: SQLiteStore, after: Int) async throws -> (walFrames: Int, copied: Int)? {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if store.checkpointer.checkpointsCompleted > after, let last = store.checkpointer.lastCheckpoint,
                last.walFrames > 0, last.copied == last.walFrames
            {
                return last
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test func writesThatPauseAreCopiedOutOfTheWAL() async throws {
        var configuration = self.quiet(temporaryDatabasePath())
        configuration.walIdleCheckpointDelay = .milliseconds(50)
        let store = try await self.open(configuration)
        let before = store.checkpointer.checkpointsCompleted
        try await self.write(2_000, to: store)
        let copy = try await self.waitForWholeCopy(store, after: before)
        // 2,000 records of ~400 bytes fill well over a hundred pages; all of them were copied,
        // though the WAL stayed below the threshold of a million pages.
        #expect((copy?.walFrames ?? 0) > 100)
        #expect(copy?.copied == copy?.walFrames)
        #expect(try await self.storedCount(store) == 2_000)
    }

    @Test func writesThatGoOnWaitForTheirPause() async throws {
        var configuration = self.quiet(temporaryDatabasePath())
        configuration.walIdleCheckpointDelay = .seconds(3_600)
        let store = try await self.open(configuration)
        let opened = store.checkpointer.checkpointsCompleted
        #expect(opened == 1)
        try await self.write(500, to: store)
        // The writes have not paused for an hour: no checkpoint follows the opening's.
        try await Task.sleep(for: .milliseconds(200))
        #expect(store.checkpointer.checkpointsCompleted == opened)
    }

    @Test func aStoreOpenedOverAWALLeftBehindCopiesIt() async throws {
        let path = temporaryDatabasePath()
        let first = try await self.open(self.quiet(path))
        try await self.write(2_000, to: first)
        #expect(fileSize(path + "-wal") > 400_000)
        // A second store on the same file, as after a restart that found the WAL full.
        let second = try await SQLiteStore(configuration: self.quiet(path))
        let copy = try await self.waitForWholeCopy(second, after: 0)
        #expect((copy?.walFrames ?? 0) > 100)
        #expect(copy?.copied == copy?.walFrames)
        #expect(try await self.storedCount(second) == 2_000)
    }

    @Test func closingTheStoreEmptiesTheWAL() async throws {
        let path = temporaryDatabasePath()
        let store = try await SQLiteStore(configuration: self.quiet(path))
        try await self.write(2_000, to: store)
        #expect(fileSize(path + "-wal") > 400_000)
        await store.close()
        #expect(fileSize(path + "-wal") == 0)
        let reopened = try await SQLiteStore(configuration: self.quiet(path))
        #expect(try await self.storedCount(reopened) == 2_000)
    }
}

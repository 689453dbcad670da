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

    private func write(_ count: Int, to store: SQLiteStore, from first: Int = 0) async throws {
        let candidates = (first..<first + count).map { index in
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

    /// Polls until a background checkpoint after the first `after` copies a WAL of more than
    /// `frames` frames whole. On a loaded machine the opening's commits may come in more bursts
    /// than two, each checkpointed on its own: those copies are smaller and not the one sought.
    private func waitForWholeCopy(
        _ store: SQLiteStore,
        after: Int,
        frames: Int = 0
    ) async throws -> (walFrames: Int, copied: Int)? {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if store.checkpointer.checkpointsCompleted > after, let last = store.checkpointer.lastCheckpoint,
                last.walFrames > frames, last.copied == last.walFrames
            {
                return last
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Opens a store whose idle checkpoint waits `delay`, and waits for the checkpoints of its
    /// opening: the one `start()` runs and the idle ones after the opening's own commits, two
    /// on a quiet machine, more when a loaded one spreads those commits out. Returns the store
    /// and how many there were.
    private func openPausing(
        _ delay: Duration,
        path: String = temporaryDatabasePath(),
        checkpointPages: Int = 1_000_000
    ) async throws -> (SQLiteStore, opening: Int) {
        var configuration = self.quiet(path)
        configuration.walIdleCheckpointDelay = delay
        configuration.walCheckpointPages = checkpointPages
        let store = try await SQLiteStore(configuration: configuration)
        let deadline = ContinuousClock.now + .seconds(30)
        while store.checkpointer.checkpointsCompleted < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(store.checkpointer.checkpointsCompleted >= 2)
        // Settled once no further checkpoint comes for a while.
        let settle = min(delay * 3, .milliseconds(300))
        var count = store.checkpointer.checkpointsCompleted
        var quietSince = ContinuousClock.now
        while ContinuousClock.now - quietSince < settle, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            let now = store.checkpointer.checkpointsCompleted
            if now != count { (count, quietSince) = (now, .now) }
        }
        return (store, count)
    }

    @Test func writesThatPauseAreCopiedOutOfTheWAL() async throws {
        let (store, opening) = try await self.openPausing(.milliseconds(50))
        try await self.write(2_000, to: store)
        let copy = try await self.waitForWholeCopy(store, after: opening, frames: 100)
        // 2,000 records of ~400 bytes fill well over a hundred pages; all of them were copied,
        // though the WAL stayed below the threshold of a million pages.
        #expect((copy?.walFrames ?? 0) > 100)
        #expect(copy?.copied == copy?.walFrames)
        #expect(try await self.storedCount(store) == 2_000)
    }

    @Test func writesThatGoOnPutTheCopyOffUntilTheyPause() async throws {
        let (store, opening) = try await self.openPausing(.seconds(1))
        // A commit every 20 ms or so for 1.5 s. A loaded machine may still stall the loop for
        // a second (seen in CI); the gaps are measured so that only a run without one judges.
        let end = ContinuousClock.now + .milliseconds(1_500)
        var round = 0
        var last = ContinuousClock.now
        var longestGap = Duration.zero
        while ContinuousClock.now < end {
            try await self.write(5, to: store, from: round * 5)
            round += 1
            longestGap = max(longestGap, ContinuousClock.now - last)
            last = .now
            try await Task.sleep(for: .milliseconds(20))
        }
        let during = store.checkpointer.checkpointsCompleted
        if longestGap < .milliseconds(500) {
            #expect(during == opening, "no copy while the writes went on")
        }
        // After the opening's: a stall at the loop's end may have let the copy come already.
        let copy = try await self.waitForWholeCopy(store, after: opening)
        #expect(copy != nil, "a copy once they paused")
        #expect(try await self.storedCount(store) == round * 5)
    }

    /// `start()`: a store that opens over a WAL whose frames are not yet copied copies them
    /// (the first store stays open, so SQLite does not copy them as its last connection closes).
    @Test func aStoreOpenedOverAWALNotYetCopiedCopiesIt() async throws {
        let path = temporaryDatabasePath()
        let first = try await self.open(self.quiet(path))
        try await self.write(2_000, to: first)
        #expect(fileSize(path + "-wal") > 400_000)
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

    /// A WAL file that starts over is cut back to the size a background checkpoint starts at
    /// (`journal_size_limit`), instead of keeping the largest size it ever had.
    @Test func aWALThatStartsOverIsCutBack() async throws {
        let path = temporaryDatabasePath()
        let (store, opening) = try await self.openPausing(.milliseconds(50), path: path, checkpointPages: 100)
        // One transaction of ~1,000 pages: past the limit, the WAL file grows to hold it.
        try await self.write(8_000, to: store)
        let grown = fileSize(path + "-wal")
        #expect(grown > 2_000_000)
        let copy = try await self.waitForWholeCopy(store, after: opening, frames: 100)
        #expect((copy?.walFrames ?? 0) > 100)
        try await self.write(1, to: store, from: 9_000)
        #expect(fileSize(path + "-wal") <= 100 * 4_096 + 2 * 4_120)
    }
}

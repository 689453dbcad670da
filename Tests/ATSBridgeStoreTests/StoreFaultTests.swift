import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import ATSBridgeTestSupport
import Foundation
import Testing

@Suite struct StoreFaultTests {
    /// The test-only `StoreCrashLoad` tool, built beside the tests.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("StoreCrashLoad")
    }

    @Test func killedMidBatchTheStoreReopensWithWholeBatchesOnly() async throws {
        let path = temporaryDatabasePath()
        let batchSize = 2_000
        let process = ChildProcess(
            executable: Self.executable.path,
            arguments: ["--db", path, "--batch-size", String(batchSize)],
            environment: ProcessInfo.processInfo.environment
        )
        try process.start()
        // Wait for two commits, then kill -9 while the third batch is being written.
        try await process.waitForOutput("committed 2\n")
        process.signal(SIGKILL)
        try await process.waitForExit()
        #expect(process.endedBySignal)

        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        let count = try await store.all(
            Candidate.self,
            RecordQuery(integrationID: "crash", model: .candidate, pageSize: 1000)
        ).count
        #expect(count >= 2 * batchSize)
        #expect(count % batchSize == 0, "a batch was half-written: \(count) candidates")
        // And the store is writable again.
        let more = try await store.upsert(
            .candidates([Candidate(id: "x", remoteID: "x")]),
            integrationID: "crash",
            at: 1
        )
        #expect(more.created == ["x"])
    }

    @Test func corruptFileIsAClearErrorAtStartup() async throws {
        let path = temporaryDatabasePath()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: path))
        await #expect {
            _ = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        } throws: { error in
            let error = error as? ATSBridgeError
            return error?.code == .storeCorrupt && error?.message.contains(path) == true
        }
    }

    @Test func unwritableLocationIsAClearErrorAtStartup() async throws {
        // As root, file permissions do not stop writes; a path under /proc can never be created.
        for path in ["/proc/atsbridge-test/atsbridge.sqlite", "/proc/atsbridge.sqlite"] {
            await #expect {
                _ = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
            } throws: { error in
                (error as? ATSBridgeError)?.code == .storeUnavailable
            }
        }
    }

    /// Whether `chattr +i` works here: as root, it is the only way to make a file read-only.
    static let immutableFilesWork: Bool = {
        let probe = TemporaryFiles.unique("chattr").path
        _ = FileManager.default.createFile(atPath: probe, contents: Data())
        defer {
            _ = run("/usr/bin/chattr", ["-i", probe])
            try? FileManager.default.removeItem(atPath: probe)
        }
        return run("/usr/bin/chattr", ["+i", probe])
            && (try? "x".write(toFile: probe, atomically: false, encoding: .utf8)) == nil
    }()

    static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = ChildProcess(executable: tool, arguments: arguments, environment: [:])
        guard (try? process.start()) != nil else { return false }
        // Called from a static initializer: polls, as it cannot await.
        while process.isRunning { usleep(1_000) }
        return process.status == 0
    }

    @Test(.enabled(if: immutableFilesWork, "needs chattr +i, the only read-only file as root"))
    func readOnlyFileIsAClearErrorAtStartup() async throws {
        let path = temporaryDatabasePath()
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        _ = try await store.upsert(.tags([Tag(id: "t", remoteID: "1")]), integrationID: "i", at: 1)
        _ = store
        #expect(Self.run("/usr/bin/chattr", ["+i", path]))
        defer { _ = Self.run("/usr/bin/chattr", ["-i", path]) }
        await #expect {
            _ = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        } throws: { error in
            (error as? ATSBridgeError)?.code == .storeUnavailable
        }
    }

    @Test func fullDatabaseFailsTheBatchWholeAndStaysReadable() async throws {
        var configuration = SQLiteStoreConfiguration(path: temporaryDatabasePath())
        configuration.maxPageCount = 64
        let store = try await SQLiteStore(configuration: configuration)
        let small = [Candidate(id: "first", remoteID: "first", firstName: "Ada")]
        _ = try await store.upsert(.candidates(small), integrationID: "full", at: 1)
        let big = (0..<5_000).map {
            Candidate(id: "c\($0)", remoteID: "c\($0)", title: String(repeating: "x", count: 200))
        }
        await #expect {
            _ = try await store.upsert(.candidates(big), integrationID: "full", at: 2)
        } throws: { error in
            let error = error as? ATSBridgeError
            return error?.code == .storeUnavailable && error?.message.contains("full") == true
        }
        let remaining = try await store.all(Candidate.self, RecordQuery(integrationID: "full", model: .candidate))
        #expect(remaining.map(\.id) == ["first"])
    }

    @Test func createdHereMarksCommitAndRollBackWithTheirRecords() async throws {
        var configuration = SQLiteStoreConfiguration(path: temporaryDatabasePath())
        configuration.maxPageCount = 64
        let store = try await SQLiteStore(configuration: configuration)
        let created = [Candidate(id: "mine", remoteID: "r-mine", firstName: "Ada")]
        _ = try await store.upsert(
            batches: [.candidates(created)],
            createdHere: [.candidate: ["r-mine"]],
            integrationID: "w",
            at: 1
        )
        #expect(try await store.createdHere(integrationID: "w", model: .candidate) == ["r-mine"])
        // A write whose records do not fit (the file is full) leaves no mark behind.
        let big = (0..<5_000).map {
            Candidate(id: "c\($0)", remoteID: "c\($0)", title: String(repeating: "x", count: 200))
        }
        await #expect(throws: ATSBridgeError.self) {
            _ = try await store.upsert(
                batches: [.candidates(big)],
                createdHere: [.candidate: ["r-big"]],
                integrationID: "w",
                at: 2
            )
        }
        #expect(try await store.createdHere(integrationID: "w", model: .candidate) == ["r-mine"])
    }

    @Test func reopeningMigratesOnceAndKeepsData() async throws {
        let path = temporaryDatabasePath()
        let first = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        _ = try await first.upsert(.tags([Tag(id: "t", remoteID: "1", name: "VIP")]), integrationID: "i", at: 1)
        let cursor = try await first.page(RecordQuery(integrationID: "i", model: .tag, pageSize: 1)).records
        let second = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        #expect(try await second.page(RecordQuery(integrationID: "i", model: .tag, pageSize: 1)).records == cursor)
    }
}

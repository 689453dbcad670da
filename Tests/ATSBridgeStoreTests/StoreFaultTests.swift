import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
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
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["--db", path, "--batch-size", String(batchSize)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Wait for two commits, then kill -9 while the third batch is being written.
        let lines = AsyncLines(output.fileHandleForReading)
        try await lines.waitFor("committed 2")
        kill(process.processIdentifier, SIGKILL)
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume()
            }
        }
        #expect(process.terminationReason == .uncaughtSignal)

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
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("chattr-\(UUID())").path
        _ = FileManager.default.createFile(atPath: probe, contents: Data())
        defer {
            _ = run("/usr/bin/chattr", ["-i", probe])
            try? FileManager.default.removeItem(atPath: probe)
        }
        return run("/usr/bin/chattr", ["+i", probe])
            && (try? "x".write(toFile: probe, atomically: false, encoding: .utf8)) == nil
    }()

    static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
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

/// Lines of a child's output, read off the cooperative pool.
final class AsyncLines: Sendable {
    private let handle: FileHandle

    init(_ handle: FileHandle) {
        self.handle = handle
    }

    func waitFor(_ line: String) async throws {
        let handle = self.handle
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                var buffer = ""
                while true {
                    let data = handle.availableData
                    guard !data.isEmpty else {
                        continuation.resume(throwing: CocoaError(.fileReadUnknown))
                        return
                    }
                    buffer += String(decoding: data, as: UTF8.self)
                    if buffer.split(separator: "\n").contains(where: { $0 == line }) {
                        continuation.resume()
                        return
                    }
                }
            }
        }
    }
}

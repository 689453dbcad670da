import ATSBridgeTestSupport
import CATSBridgeSystem
import Foundation
import Testing

@testable import atsbridge

/// What `atsbridge export` does to the file it is given when the export cannot go ahead: the
/// file and its resume point stay as they were.
@Suite struct ExportFileTests {
    /// No server listens there: the call fails once the CLI tries to reach it.
    private let unreachable = [
        "ATSBRIDGE_SERVER": "127.0.0.1:1", "ATSBRIDGE_API_KEY": "export-test-key-0123456789",
        "ATSBRIDGE_INTEGRATION": "int-1",
    ]

    /// A new empty folder under the system's temporary folder.
    func folder() throws -> String {
        let path = TemporaryFiles.unique("export-file").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func anExportThatCannotReachItsServerLeavesAnExistingFileAlone() async throws {
        let folder = try self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/candidates.ndjson"
        try Data("{\"id\":\"kept\"}\n".utf8).write(to: URL(fileURLWithPath: path))
        let resume = #"{"model":"candidates","format":"ndjson","order":"storage","cursor":"c1","bytes":14,"records":1}"#
        try Data(resume.utf8).write(to: URL(fileURLWithPath: path + ".resume"))

        for format in ["ndjson", "csv"] {
            let run = try await CLIProcess.run(
                ["export", "candidates", "--out", path, "--format", format],
                environment: self.unreachable
            )
            #expect(run.status == 69, "\(run.stderr)")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"id\":\"kept\"}\n")
            #expect(try String(contentsOfFile: path + ".resume", encoding: .utf8) == resume)
        }
    }

    static let unusable = "is not a resume point this export can use"

    /// A file shorter than its resume point is not padded; a resume point that cannot describe
    /// the file (more records than bytes, a count that overflowed the writer's arithmetic, no
    /// JSON at all) is refused. The file is kept either way.
    @Test(arguments: [
        (
            #"{"model":"candidates","format":"ndjson","order":"storage","cursor":"c1","bytes":100,"records":5}"#,
            "shorter than its resume point (100 bytes)"
        ),
        (
            #"{"model":"candidates","format":"ndjson","cursor":"c1","bytes":3,"records":9223372036854775807}"#,
            Self.unusable
        ),
        (#"{"model":"candidates","format":"ndjson","cursor":"c1","bytes":3,"records":-1}"#, Self.unusable),
        (#"{"model":"candidates","format":"ndjson","cursor":"c1","bytes":3,"records":4}"#, Self.unusable),
        ("not json", Self.unusable),
    ])
    func aResumePointThatCannotBeRightIsRefused(resume: String, mention: String) async throws {
        let folder = try self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/candidates.ndjson"
        try Data("{}\n".utf8).write(to: URL(fileURLWithPath: path))
        try Data(resume.utf8).write(to: URL(fileURLWithPath: path + ".resume"))
        let run = try await CLIProcess.run(
            ["export", "candidates", "--out", path, "--resume"],
            environment: self.unreachable
        )
        #expect(run.status == 64)
        #expect(run.stderr.contains(mention), "\(run.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{}\n")
    }

    /// A resume point that cannot be saved fails the first page with an error naming it, before
    /// the file is emptied.
    @Test func aResumePointThatCannotBeSavedIsNamed() throws {
        let folder = try self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/candidates.ndjson"
        try Data("kept\n".utf8).write(to: URL(fileURLWithPath: path))
        // A folder where the resume point's file should go: no rename can replace it.
        try FileManager.default.createDirectory(atPath: path + ".resume", withIntermediateDirectories: false)
        var file = try ExportFile(path: path, model: "candidates", format: "ndjson", order: "storage", resume: false)
        do {
            try file.append(Array("{}\n".utf8), cursor: "c1", records: 1)
            Issue.record("the page was written without its resume point")
        } catch CLIFailure.io(let message) {
            #expect(message.contains("the resume point \(path).resume cannot be written"), "\(message)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "kept\n")
    }

    /// Past every 8 MiB the kernel is told to start writing the file back, so the final fsync
    /// has little left: the file still holds exactly the pages, in order.
    @Test func pagesPastTheWritebackStepAreWrittenWhole() throws {
        let folder = try self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/candidates.pb"
        var file = try ExportFile(path: path, model: "candidates", format: "protobuf", order: "storage", resume: false)
        var expected: [UInt8] = []
        for page in 0..<5 {
            let bytes = [UInt8](repeating: UInt8(page + 1), count: 3 << 20)
            try file.append(bytes, cursor: page < 4 ? "c\(page)" : nil, records: 1_000)
            expected += bytes
        }
        try file.complete()
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == expected)
        #expect(!FileManager.default.fileExists(atPath: path + ".resume"))
    }

    @Test func writebackIsStartedOnFilesAndRefusedOnPipes() throws {
        let folder = try self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/x"
        try Data(repeating: 7, count: 1 << 20).write(to: URL(fileURLWithPath: path))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        #expect(atsb_start_writeback(handle.fileDescriptor, 0, 1 << 20) == 0)
        #if os(Linux)
        let pipe = Pipe()
        #expect(atsb_start_writeback(pipe.fileHandleForWriting.fileDescriptor, 0, 10) == ESPIPE)
        #endif
    }

    /// A slow file holds at most the stream's credit in pages: about 16,000 records, whatever
    /// the page size, within the client's usual 4 to 32 pages.
    @Test func theServerRunsAboutSixteenThousandRecordsAheadOfTheFile() {
        #expect(ExportCommand.streamCredit(pageSize: 1000) == 16)
        #expect(ExportCommand.streamCredit(pageSize: 800) == 20)
        #expect(ExportCommand.streamCredit(pageSize: 500) == 32)
        #expect(ExportCommand.streamCredit(pageSize: 1) == 32)
    }

    /// Stopped after its last page was saved (cursor gone) and before the flush: resuming only
    /// finishes it, without asking the server to start over and doubling the records.
    @Test func resumingAnExportStoppedAfterItsLastPageOnlyFinishesIt() async throws {
        let folder = try self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/candidates.ndjson"
        let content = "{\"id\":\"a\"}\n{\"id\":\"b\"}\n"
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        let resume =
            #"{"model":"candidates","format":"ndjson","order":"storage","bytes":\#(content.utf8.count),"records":2}"#
        try Data(resume.utf8).write(to: URL(fileURLWithPath: path + ".resume"))
        let run = try await CLIProcess.run(
            ["export", "candidates", "--out", path, "--resume"],
            environment: self.unreachable
        )
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == content)
        #expect(!FileManager.default.fileExists(atPath: path + ".resume"))
    }
}

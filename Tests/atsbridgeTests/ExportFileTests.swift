import Foundation
import Testing

/// What `atsbridge export` does to the file it is given when the export cannot go ahead: the
/// file and its resume point stay as they were.
@Suite struct ExportFileTests {
    /// No server listens there: the call fails once the CLI tries to reach it.
    private let unreachable = [
        "ATSBRIDGE_SERVER": "127.0.0.1:1", "ATSBRIDGE_API_KEY": "export-test-key-0123456789",
        "ATSBRIDGE_INTEGRATION": "int-1",
    ]

    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("export-file-\(UUID())").path
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

    @Test func aFileShorterThanItsResumePointIsNotPaddedButRefused() async throws {
        let folder = try self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/candidates.ndjson"
        try Data("{}\n".utf8).write(to: URL(fileURLWithPath: path))
        let resume =
            #"{"model":"candidates","format":"ndjson","order":"storage","cursor":"c1","bytes":100,"records":5}"#
        try Data(resume.utf8).write(to: URL(fileURLWithPath: path + ".resume"))
        let run = try await CLIProcess.run(
            ["export", "candidates", "--out", path, "--resume"],
            environment: self.unreachable
        )
        #expect(run.status == 64)
        #expect(run.stderr.contains("shorter than its resume point (100 bytes)"), "\(run.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{}\n")
    }
}

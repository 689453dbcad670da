import ATSBridgeTestSupport
import Foundation
import Testing

/// `atsbridge export` whose file stops growing mid-export, as on a full disk: the write fails on
/// the file's own thread, the export reports it, and the resume point lets it finish later.
@Suite struct ExportFailureEndToEndTests {
    @Test func anExportWhoseFileCannotGrowFailsClearlyAndResumesOnceItCan() async throws {
        let demo = DemoServer(extra: ["--demo-size", "medium"])
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let directory = TemporaryFiles.unique("export-full")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = directory.appendingPathComponent("whole.ndjson").path
        let part = directory.appendingPathComponent("part.ndjson").path
        let fresh = try await CLIProcess.run(
            ["export", "candidates", "--out", whole, "--page-size", "50"],
            environment: demo.environment
        )
        #expect(fresh.status == 0, "\(fresh.stderr)")
        let expected = try Data(contentsOf: URL(fileURLWithPath: whole))
        #expect(expected.count > 1 << 20, "far more than the limit below")

        // A file-size limit of 64 blocks of 512 bytes: past it, write() fails with EFBIG (the
        // signal it would also send is ignored, as the CLI's own thread then sees the error).
        let limited = try await CLIProcess.run(
            [
                "-c", #"trap '' XFSZ; ulimit -f 64; exec "$0" "$@""#, CLIProcess.executable.path, "export",
                "candidates", "--out", part, "--page-size", "50",
            ],
            environment: demo.environment,
            executable: URL(fileURLWithPath: "/bin/sh")
        )
        #expect(limited.status == 74, "CLI.IO: \(limited.stderr)")
        #expect(limited.stderr.contains("writing the export failed"), "\(limited.stderr)")
        let written = try FileManager.default.attributesOfItem(atPath: part)[.size] as? Int ?? -1
        #expect(written <= 64 * 512)
        #expect(FileManager.default.fileExists(atPath: part + ".resume"), "the resume point stays")

        // Room again: resuming cuts the file back to its last saved page and finishes it.
        let resumed = try await CLIProcess.run(
            ["export", "candidates", "--out", part, "--page-size", "50", "--resume"],
            environment: demo.environment
        )
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: part)) == expected)
        #expect(!FileManager.default.fileExists(atPath: part + ".resume"))
    }
}

import ATSBridgeTestSupport
import Foundation
import Testing

/// Times passed back in every RFC 3339 form, single gets that hide deleted records like lists
/// do, records restored in RECRU with their ids, and paged sync history; against `serve --demo`.
@Suite(.serialized) struct ReadSemanticsEndToEndTests {
    private func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test func everyRFC3339TimeIsAcceptedAndGarbageIsNamed() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let env = demo.environment
        let directory = TemporaryFiles.unique("times").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let export = { ["export", "candidates", "--out", directory + "/\(UUID()).ndjson"] }
        let listed = try await CLIProcess.run(
            ["get", "candidates", "--limit", "1", "--format", "ndjson"],
            environment: env
        )
        // The CLI's own output, passed back: milliseconds and `Z`.
        let changedAt = try #require(self.lines(listed.stdout).first?["changed_at"] as? String)
        #expect(changedAt.contains("."), "printed with milliseconds: \(changedAt)")
        for time in [
            changedAt, "2026-11-30T03:36:26.889Z", "2026-11-30T03:36:26Z", "2026-11-30T04:36:26+01:00",
            "2026-11-30T03:36:26.889+00:00", "2026-11-29T22:36:26.5-05:00", "2026-11-30t03:36:26z",
            "2026-11-30 03:36:26", "2026-11-30",
        ] {
            for command in [["get", "candidates"], export()] {
                let result = try await CLIProcess.run(command + ["--updated-after", time], environment: env)
                #expect(result.status == 0, "\(command) --updated-after \(time): \(result.stderr)")
            }
        }
        // Nothing changed after the newest change.
        let newest = try await CLIProcess.run(
            ["get", "candidates", "--updated-after", "2999-01-01T00:00:00.000+02:00", "--format", "ndjson"],
            environment: env
        )
        #expect(newest.status == 0 && newest.stdout.isEmpty)
        for garbage in ["yesterday", "2026-13-01T00:00:00Z", "2026-02-30", "2026-11-30T25:00:00Z", "1764473786889"] {
            for command in [["get", "candidates"], export()] {
                let result = try await CLIProcess.run(command + ["--updated-after", garbage], environment: env)
                #expect(result.status == 64, "\(garbage)")
                #expect(
                    result.stderr.contains("RFC 3339") && result.stderr.contains("2026-11-30T03:36:26.889Z"),
                    "\(result.stderr)"
                )
            }
        }
    }

    @Test func aDeletedRecordIsNotFoundUnlessAskedForAndComesBackWithItsId() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let env = demo.environment
        let before = self.lines(
            try await CLIProcess.run(["get", "candidates", "--limit", "1000", "--format", "ndjson"], environment: env)
                .stdout
        )
        let remote5 = try #require(before.first { $0["remote_id"] as? String == "5" })
        let id = try #require(remote5["id"] as? String)

        try await ServeEndToEndTests.sandboxAdmin(
            demo.sandboxURL,
            #"{"jsonrpc":"2.0","id":1,"method":"SandboxAdmin.delete","params":{"entity":"jobseeker","id":5}}"#
        )
        #expect(try await CLIProcess.run(["sync", "--full", "--wait"], environment: env).status == 0)
        let hidden = try await CLIProcess.run(["get", "candidates", "--id", id], environment: env)
        #expect(hidden.status == 66 && hidden.stderr.contains("NOT_FOUND") && hidden.stderr.contains("include_deleted"))
        let asked = try await CLIProcess.run(
            ["get", "candidates", "--id", id, "--include-deleted", "--format", "ndjson"],
            environment: env
        )
        #expect(asked.status == 0, "\(asked.stderr)")
        #expect(self.lines(asked.stdout).first?["remote_deleted_at"] is String)

        try await ServeEndToEndTests.sandboxAdmin(
            demo.sandboxURL,
            #"{"jsonrpc":"2.0","id":1,"method":"SandboxAdmin.restore","params":{"entity":"jobseeker","id":5}}"#
        )
        #expect(try await CLIProcess.run(["sync", "--full", "--wait"], environment: env).status == 0)
        let back = try await CLIProcess.run(["get", "candidates", "--id", id, "--format", "ndjson"], environment: env)
        #expect(back.status == 0, "restored with its old id: \(back.stderr)")
        let restored = try #require(self.lines(back.stdout).first)
        #expect(restored["remote_deleted_at"] is NSNull)
        #expect(restored["email_addresses"] as? [[String: String]] == remote5["email_addresses"] as? [[String: String]])
    }

    @Test func theSyncHistoryIsPaged() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let env = demo.environment
        for _ in 0..<3 {
            #expect(try await CLIProcess.run(["sync", "--wait"], environment: env).status == 0)
        }
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try await CLIProcess.run(
                ["integrations", "show", "demo", "--runs", "1", "--format", "json"]
                    + (cursor.map { ["--cursor", $0] } ?? []),
                environment: env
            )
            #expect(page.status == 0, "\(page.stderr)")
            let status = try #require(
                try JSONSerialization.jsonObject(with: Data(page.stdout.utf8)) as? [String: Any]
            )
            let runs = status["runs"] as? [[String: Any]] ?? []
            #expect(runs.count == 1)
            seen += runs.compactMap { $0["id"] as? String }
            cursor = page.stderr.range(of: "--cursor ").map {
                String(page.stderr[$0.upperBound...].prefix { !$0.isWhitespace })
            }
        } while cursor != nil && seen.count < 10
        #expect(seen.count == 4, "the demo's first sync and three more, each once: \(seen)")
        #expect(Set(seen).count == seen.count)
        let all = try await CLIProcess.run(["integrations", "show", "demo", "--all", "--runs", "2"], environment: env)
        #expect(all.status == 0 && !all.stderr.contains("--cursor"))
        let bad = try await CLIProcess.run(["integrations", "show", "demo", "--cursor", "nonsense"], environment: env)
        #expect(bad.status == 65 && bad.stderr.contains("cursor"), "\(bad.stderr)")
    }
}

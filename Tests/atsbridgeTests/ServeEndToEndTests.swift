import ATSBridgeProto
import ATSBridgeTestSupport
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `atsbridge serve --demo` as a real process, and every CLI command against it over real
/// sockets.
@Suite(.serialized) struct ServeEndToEndTests {
    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    private func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func theDemoServesEveryCommand() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        #expect(demo.process.stdout.contains("60 candidates"))
        let env = demo.environment

        let ping = try await CLIProcess.run(["ping"], environment: env)
        #expect(ping.status == 0)
        #expect(ping.stdout.contains("pong from \(demo.server)"))

        let candidates = try await CLIProcess.run(
            ["get", "candidates", "--format", "ndjson", "--limit", "1000"],
            environment: env
        )
        #expect(candidates.status == 0, "\(candidates.stderr)")
        let records = try self.lines(candidates.stdout).map(self.json)
        #expect(records.count == 60)
        let first = try #require(records.first)
        #expect(first["id"] is String && first["email_addresses"] is [Any] && first["first_name"] != nil)
        #expect((first["changed_at"] as? String)?.hasSuffix("Z") == true)

        let id = try #require(first["id"] as? String)
        let one = try await CLIProcess.run(["get", "candidates", "--id", id, "--format", "json"], environment: env)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
        #expect(object["id"] as? String == id, "one record prints as one JSON object")

        let table = try await CLIProcess.run(["get", "jobs", "--format", "table"], environment: env)
        #expect(self.lines(table.stdout).first?.hasPrefix("ID") == true)
        #expect(self.lines(table.stdout).count == 13)

        let list = try await CLIProcess.run(["integrations", "list", "--format", "ndjson"], environment: env)
        let integration = try self.json(try #require(self.lines(list.stdout).first))
        #expect(integration["id"] as? String == "demo")
        #expect(integration["status"] as? String == "ACTIVE")
        #expect(integration["setup_status"] as? String == "COMPLETED")
        // The sandbox is on loopback: the demo is not paced like a RECRU tenant.
        let settings = integration["settings"] as? [String: Any]
        #expect(settings?["max_requests_per_second"] as? Double == 1_000, "\(list.stdout)")

        let show = try await CLIProcess.run(["integrations", "show", "demo"], environment: env)
        #expect(show.status == 0 && show.stdout.contains("SUCCEEDED"))

        let sync = try await CLIProcess.run(["sync", "--full", "--wait", "--format", "ndjson"], environment: env)
        #expect(sync.status == 0, "\(sync.stderr)")
        let run = try self.json(sync.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(run["state"] as? String == "SUCCEEDED" && run["type"] as? String == "FULL")

        let directory = TemporaryFiles.unique("export")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ndjson = directory.appendingPathComponent("c.ndjson").path
        let exported = try await CLIProcess.run(["export", "candidates", "--out", ndjson], environment: env)
        #expect(exported.status == 0 && exported.stderr.contains("exported 60 records"))
        #expect(self.lines(try String(contentsOfFile: ndjson, encoding: .utf8)).count == 60)
        #expect(!FileManager.default.fileExists(atPath: ndjson + ".resume"))
        // Personal data: the new file is the owner's alone.
        let mode = try FileManager.default.attributesOfItem(atPath: ndjson)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let protobuf = directory.appendingPathComponent("c.pb").path
        #expect(
            try await CLIProcess.run(
                ["export", "candidates", "--out", protobuf, "--format", "protobuf"],
                environment: env
            ).status == 0
        )
        let decoded = try Self.delimited(try Data(contentsOf: URL(fileURLWithPath: protobuf))).map {
            try Candidate(decoding: $0)
        }
        #expect(Set(decoded.map(\.id)) == Set(records.compactMap { $0["id"] as? String }))

        let csv = directory.appendingPathComponent("a.csv").path
        #expect(
            try await CLIProcess.run(["export", "applications", "--out", csv, "--format", "csv"], environment: env)
                .status == 0
        )
        let csvLines = self.lines(try String(contentsOfFile: csv, encoding: .utf8))
        #expect(csvLines.first?.hasPrefix("id,remote_id,changed_at") == true)

        let watch = try await CLIProcess.run(["watch", "--from", "0", "--count", "1"], environment: env)
        let event = try self.json(watch.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(event["kind"] as? String == "CREATED" && (event["ids"] as? [Any])?.isEmpty == false)

        let unknown = try await CLIProcess.run(["get", "nonsense"], environment: env)
        #expect(unknown.status == 64 && unknown.stderr.contains("unknown model"))
        let missing = try await CLIProcess.run(["get", "candidates", "--id", "nope"], environment: env)
        #expect(missing.status == 66 && missing.stderr.contains("NOT_FOUND"))
        var badKey = env
        badKey["ATSBRIDGE_API_KEY"] = "not-a-key-0123456789"
        let denied = try await CLIProcess.run(["get", "candidates"], environment: badKey)
        #expect(denied.status == 77 && denied.stderr.contains("UNAUTHENTICATED"))
        let metrics = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: demo.metricsURL),
            timeout: .seconds(10)
        )
        let text = String(buffer: try await metrics.body.collect(upTo: 4 << 20))
        #expect(text.contains(#"atsbridge_rpc_calls_total{method="/atsbridge.v1.AtsRead/ListCandidates",code="OK"}"#))
        #expect(text.contains("atsbridge_rpc_messages_sent_total"))
        #expect(text.contains(#"atsbridge_sync_runs_total{type="FULL",state="SUCCEEDED"}"#))
        try await demo.stop()
        #expect(demo.process.status == 0, "a graceful shutdown exits 0")
    }

    @Test func anInterruptedExportResumedEqualsAnUninterruptedOne() async throws {
        let demo = DemoServer(extra: ["--demo-size", "medium"])
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let directory = TemporaryFiles.unique("resume")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let whole = directory.appendingPathComponent("whole.ndjson").path
        let part = directory.appendingPathComponent("part.ndjson").path
        #expect(
            try await CLIProcess.run(
                ["export", "candidates", "--out", whole, "--page-size", "50"],
                environment: demo.environment
            ).status == 0
        )

        // Killed mid-export, as by a crash or Ctrl-C, after some pages were saved. The resume
        // point is saved at the first page and then at most every 200 ms: the CLI is held
        // (SIGSTOP) once the first is there, for longer than that, so the next page it writes
        // saves another; it is killed once that one holds records. Pages of five records keep
        // the export going past that; one that still ends first is tried again.
        for _ in 0..<3 {
            let export = CLIProcess.Running(
                ["export", "candidates", "--out", part, "--page-size", "5"],
                environment: demo.environment
            )
            try export.start()
            var saved = false
            let deadline = ContinuousClock.now + .seconds(60)
            var held = false
            while !saved, export.isRunning, ContinuousClock.now < deadline {
                if let data = FileManager.default.contents(atPath: part + ".resume"),
                    let state = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                {
                    // With a cursor: not the save of the last page, just before the export ends.
                    if (state["records"] as? Int ?? 0) > 0, state["cursor"] is String {
                        saved = true
                        break
                    }
                    if !held {
                        held = true
                        export.signal(SIGSTOP)
                        try await Task.sleep(for: .milliseconds(300))
                        export.signal(SIGCONT)
                    }
                }
                try await Task.sleep(for: .milliseconds(1))
            }
            export.signal(SIGKILL)
            try await export.waitForExit()
            if saved { break }
        }
        let partial = self.lines(try String(contentsOfFile: part, encoding: .utf8)).count
        let expected = self.lines(try String(contentsOfFile: whole, encoding: .utf8))
        // A CSV export stopped before its first page was written resumes with its header line.
        let wholeCSV = directory.appendingPathComponent("whole.csv").path
        let partCSV = directory.appendingPathComponent("part.csv").path
        let freshCSV = try await CLIProcess.run(
            ["export", "candidates", "--out", wholeCSV, "--format", "csv"],
            environment: demo.environment
        )
        #expect(freshCSV.status == 0, "\(freshCSV.stderr)")
        try Data().write(to: URL(fileURLWithPath: partCSV))
        let emptyState = #"{"model":"candidates","format":"csv","order":"storage","bytes":0,"records":0}"#
        try Data(emptyState.utf8).write(to: URL(fileURLWithPath: partCSV + ".resume"))
        let resumedCSV = try await CLIProcess.run(
            ["export", "candidates", "--out", partCSV, "--format", "csv", "--resume"],
            environment: demo.environment
        )
        #expect(resumedCSV.status == 0, "\(resumedCSV.stderr)")
        #expect(
            try String(contentsOfFile: partCSV, encoding: .utf8) == String(contentsOfFile: wholeCSV, encoding: .utf8)
        )

        // To standard output, the same records in the same order, and nothing else on it.
        let piped = try await CLIProcess.run(["export", "candidates", "--out", "-"], environment: demo.environment)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(self.lines(piped.stdout) == expected)
        #expect(piped.stderr.contains("to standard output"))
        #expect(partial < expected.count, "the export was interrupted")

        let resumed = try await CLIProcess.run(
            ["export", "candidates", "--out", part, "--resume"],
            environment: demo.environment
        )
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let result = self.lines(try String(contentsOfFile: part, encoding: .utf8))
        #expect(result.count == expected.count)
        #expect(result == expected)

        let again = try await CLIProcess.run(
            ["export", "candidates", "--out", part, "--resume"],
            environment: demo.environment
        )
        #expect(again.status == 64 && again.stderr.contains("nothing to resume"))

        // Exports are in storage order by default; --order id gives the same records by id.
        let byID = directory.appendingPathComponent("by-id.ndjson").path
        let idExport = try await CLIProcess.run(
            ["export", "candidates", "--out", byID, "--order", "id", "--page-size", "50"],
            environment: demo.environment
        )
        #expect(idExport.status == 0, "\(idExport.stderr)")
        let idLines = self.lines(try String(contentsOfFile: byID, encoding: .utf8))
        let ids = try idLines.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(object?["id"] as? String)
        }
        #expect(ids == ids.sorted())
        #expect(Set(idLines) == Set(expected))
        let sideways = try await CLIProcess.run(
            ["export", "candidates", "--out", byID, "--order", "sideways"],
            environment: demo.environment
        )
        #expect(sideways.status == 64)
    }

    @Test func watchShowsASyncedSandboxChangeAndResumesWithoutGapsOrRepeats() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        // From now on: the first sync's events are not shown.
        let watch = CLIProcess.Running(["watch"], environment: demo.environment)
        try watch.start()
        defer { watch.signal(SIGTERM) }
        try await Task.sleep(for: .milliseconds(300))
        try await Self.sandboxAdmin(
            demo.sandboxURL,
            #"{"jsonrpc":"2.0","id":1,"method":"SandboxAdmin.update","params":{"entity":"jobseeker","id":5,"fields":{"email":"moved.5@example.org"}}}"#
        )
        let sync = try await CLIProcess.run(["sync", "--wait"], environment: demo.environment)
        #expect(sync.status == 0, "\(sync.stderr)")
        try await watch.waitForOutput("\"CANDIDATE\"", timeout: .seconds(20))
        let events = try self.lines(watch.stdout).map(self.json)
        let changed = try #require(events.first { $0["model"] as? String == "CANDIDATE" })
        #expect(changed["kind"] as? String == "CHANGED", "the candidate's own fields changed")
        #expect((changed["ids"] as? [String])?.count == 1)
        let touched = events.filter { $0["model"] as? String == "APPLICATION" }
        #expect(!touched.isEmpty, "its applications were touched")
        #expect(touched.allSatisfy { $0["kind"] as? String == "TOUCHED" }, "only their nested candidate changed")

        // A client that processed the first event and reconnects gets exactly the rest.
        let first = try #require(events.first?["sequence"] as? Int)
        let replay = try await CLIProcess.run(
            ["watch", "--from", "\(first)", "--count", "\(events.count - 1)"],
            environment: demo.environment
        )
        let replayed = try self.lines(replay.stdout).map(self.json)
        #expect(replayed.map { $0["sequence"] as? Int } == events.dropFirst().map { $0["sequence"] as? Int })
        #expect(replayed.map { $0["ids"] as? [String] } == events.dropFirst().map { $0["ids"] as? [String] })
    }

    @Test func aKeyWithoutAdminRightsCannotManageIntegrations() async throws {
        let demo = DemoServer(extra: ["--api-key", "reader:read:reader-key-0123456789"])
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        var env = demo.environment
        env["ATSBRIDGE_API_KEY"] = "reader-key-0123456789"
        #expect(try await CLIProcess.run(["get", "jobs"], environment: env).status == 0, "a reader reads")
        for arguments in [
            ["integrations", "list"], ["integrations", "pause", "demo"], ["sync"],
            ["integrations", "rm", "demo", "--yes"],
        ] {
            let result = try await CLIProcess.run(arguments, environment: env)
            #expect(result.status == 77, "\(arguments)")
            #expect(result.stderr.contains("PERMISSION_DENIED"), "\(arguments)")
        }
        let add = try await CLIProcess.run(
            [
                "integrations", "add", "--tenant-url", demo.sandboxURL, "--login", "api@acme.example",
                "--password-stdin",
            ],
            environment: env,
            stdin: "sandbox"
        )
        #expect(add.status == 77)
        let list = try await CLIProcess.run(
            ["integrations", "list", "--format", "ndjson"],
            environment: demo.environment
        )
        #expect(self.lines(list.stdout).count == 1, "nothing was added")
    }

    @Test func integrationsAreAddedPausedResumedAndRemoved() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let env = demo.environment
        let base = [
            "integrations", "add", "--tenant-url", demo.sandboxURL, "--login", "api@acme.example", "--password-stdin",
        ]

        let wrong = try await CLIProcess.run(base, environment: env, stdin: "not the password")
        #expect(wrong.status == 75 && wrong.stderr.contains("INTEGRATION.AUTHENTICATION_INVALID"), "\(wrong.stderr)")
        #expect(!wrong.stderr.contains("not the password"))
        let badURL = try await CLIProcess.run(
            ["integrations", "add", "--tenant-url", "ftp://x", "--login", "a", "--password-stdin"],
            environment: env,
            stdin: "p"
        )
        #expect(badURL.status == 65 && badURL.stderr.contains("tenant_url"))

        let added = try await CLIProcess.run(
            base + ["--format", "ndjson", "--name", "Second"],
            environment: env,
            stdin: "sandbox"
        )
        #expect(added.status == 0, "\(added.stderr)")
        let created = try self.json(added.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let id = try #require(created["id"] as? String)
        #expect(created["status"] as? String == "ACTIVE" && created["login"] as? String == "api@acme.example")
        #expect(!added.stdout.contains("sandbox\""), "the password is never returned")
        var second = env
        second["ATSBRIDGE_INTEGRATION"] = id
        let synced = try await CLIProcess.run(["sync", "--wait"], environment: second)
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(
            try await CLIProcess.run(
                ["get", "candidates", "--limit", "1000", "--format", "ndjson"],
                environment: second
            ).stdout.split(separator: "\n").count == 60
        )

        #expect(try await CLIProcess.run(["integrations", "pause", id], environment: env).stdout.contains("INACTIVE"))
        let paused = try await CLIProcess.run(["sync"], environment: second)
        #expect(paused.status == 75 && paused.stderr.contains("INTEGRATION.INACTIVE"))
        #expect(try await CLIProcess.run(["integrations", "resume", id], environment: env).stdout.contains("ACTIVE"))
        let coverage = try await CLIProcess.run(["integrations", "coverage", id], environment: env)
        #expect(coverage.stdout.contains("\"CreateApplication\"") && coverage.stdout.contains("\"UNSUPPORTED\""))

        let refused = try await CLIProcess.run(["integrations", "rm", id], environment: env)
        #expect(refused.status == 64)
        let removed = try await CLIProcess.run(["integrations", "rm", id, "--yes"], environment: env)
        #expect(removed.status == 0 && removed.stdout.contains("removed \(id)"))
        let gone = try await CLIProcess.run(["get", "candidates"], environment: second)
        #expect(gone.status == 66, "\(gone.stderr)")
        let list = try await CLIProcess.run(["integrations", "list", "--format", "ndjson"], environment: env)
        #expect(!list.stdout.contains(id))
    }

    @Test func applyAndTagFromTheCommandLine() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let env = demo.environment
        let jobs = try self.lines(
            try await CLIProcess.run(["get", "jobs", "--format", "ndjson"], environment: env).stdout
        ).map(self.json)
        let open = try #require(jobs.first { $0["status"] as? String == "OPEN" }?["id"] as? String)
        let closed = try #require(jobs.first { $0["status"] as? String == "CLOSED" }?["id"] as? String)
        let cv = TemporaryFiles.unique("cv", extension: "pdf").path
        try Data("%PDF-1.4 a CV".utf8).write(to: URL(fileURLWithPath: cv))
        let base = [
            "apply", "--first-name", "Jana", "--last-name", "Nováková", "--email", "jana.cli@example.sk", "--cv", cv,
        ]

        let applied = try await CLIProcess.run(
            base + ["--job", open, "--gdpr-consent-until", "2027-06-30", "--format", "ndjson"],
            environment: env
        )
        #expect(applied.status == 0, "\(applied.stderr)")
        let application = try self.json(applied.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(application["job_id"] as? String == open && application["outcome"] as? String == "PENDING")
        let found = try await CLIProcess.run(
            ["get", "candidates", "--email", "JANA.CLI@example.sk", "--format", "ndjson"],
            environment: env
        )
        let candidate = try self.json(found.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let candidateID = try #require(candidate["id"] as? String)
        #expect(candidate["source"] as? String == "ATSBridge")

        let again = try await CLIProcess.run(base + ["--job", open], environment: env)
        #expect(again.status == 73, "\(again.stderr)")
        #expect(again.stderr.hasPrefix("error: ALREADY_EXISTS ATS.APPLICATION_ALREADY_EXISTS: "))
        let toClosed = try await CLIProcess.run(base + ["--job", closed], environment: env)
        #expect(toClosed.stderr.contains("ATS.JOB_CLOSED"))

        let tags = try self.lines(
            try await CLIProcess.run(["get", "tags", "--format", "ndjson"], environment: env).stdout
        ).map(self.json)
        let tag = try #require(tags.first?["name"] as? String)
        let tagged = try await CLIProcess.run(["tag", "add", candidateID, tag], environment: env)
        #expect(tagged.status == 0 && tagged.stdout.contains("tagged \(candidateID)"), "\(tagged.stderr)")
        let twice = try await CLIProcess.run(["tag", "add", candidateID, tag], environment: env)
        #expect(twice.stdout.contains("already has tag"))
        let unknown = try await CLIProcess.run(["tag", "add", candidateID, "Nonexistent Tag"], environment: env)
        #expect(unknown.status == 66 && unknown.stderr.contains("Nonexistent Tag"))
    }

    @Test func aWrongCredentialKeyAtStartupIsAClearErrorAndLosesNothing() async throws {
        let demo = DemoServer()
        try await demo.start()
        try await demo.stop()
        // A server stopped gracefully copied its WAL into the database and emptied it, so the
        // next start neither replays it nor reads through it.
        // (No file at all would do as well: SQLite deletes it when its last connection closes.)
        let wal = try? FileManager.default.attributesOfItem(atPath: demo.directory + "/atsbridge.sqlite-wal")
        #expect((wal?[.size] as? Int ?? 0) == 0)
        let keyFile = demo.directory + "/credential.key"
        let key = try String(contentsOfFile: keyFile, encoding: .utf8)

        let wrong = try await CLIProcess.run(
            [
                "serve", "--demo", "--data-dir", demo.directory, "--listen", "127.0.0.1:0", "--metrics-listen", "off",
                "--credential-key", String(repeating: "ab", count: 32),
            ]
        )
        #expect(wrong.status == 75)
        #expect(wrong.stderr.contains("PLATFORM.CREDENTIAL_KEY_INVALID"))
        #expect(wrong.stderr.contains("nothing was changed"))
        #expect(try String(contentsOfFile: keyFile, encoding: .utf8) == key)

        let again = DemoServer(directory: demo.directory)
        try await again.start()
        defer { again.process.signal(SIGTERM) }
        let list = try await CLIProcess.run(
            ["integrations", "list", "--format", "ndjson"],
            environment: again.environment
        )
        #expect(list.stdout.contains("\"COMPLETED\""), "the stored integration and its credentials still work")
    }

    static let badServeFlags: [([String], String)] = [
        (["serve", "--listen", "nohost"], "listen"),
        (["serve", "--sync-interval", "10s", "--credential-key", String(repeating: "ab", count: 32)], "sync_interval"),
        (["serve", "--store", "postgres://db/atsbridge"], "PostgreSQL"),
        (["serve", "--api-key", "bad"], "api_keys"),
        (["serve", "--credential-key", "short"], "credential key"),
        (["serve", "--log-level", "loud"], "log_level"),
        (["serve"], "credential key is required"),
        (["serve", "--data-dir", "/tmp/x"], "--demo"),
        (["serve", "--demo", "--demo-api-key", "short"], "16 characters"),
        (["serve", "--config", "/nonexistent/atsbridge.json"], "cannot be read"),
        // Values that used to overflow the arithmetic built on them, and crash.
        (["serve", "--sync-interval", "99999999999999999999d"], "sync_interval must be at most 36500d"),
        (["serve", "--max-message-bytes", "9223372036854775807"], "max_message_bytes must be an integer from 1 to"),
        (
            ["serve", "--api-key", "a:admin:first-key-0123456789", "--api-key", "a:read:second-key-0123456789"],
            "api key name 'a' is given twice"
        ),
    ]

    @Test(arguments: Self.badServeFlags)
    func badFlagsAreRejectedClearly(arguments: [String], mention: String) async throws {
        let result = try await CLIProcess.run(arguments + ["--metrics-listen", "off"])
        #expect(result.status != 0)
        #expect(result.stderr.contains(mention), "\(result.stderr)")
    }

    /// A port another process holds: a typed error naming the address (exit 69), not NIO's.
    @Test func aListenAddressInUseIsUnavailable() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let store = TemporaryFiles.unique("in-use", extension: "sqlite").path
        let result = try await CLIProcess.run([
            "serve", "--listen", "127.0.0.1:\(listener.port)", "--store", "sqlite:\(store)", "--metrics-listen", "off",
            "--credential-key", String(repeating: "ab", count: 32),
        ])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("PLATFORM.UNAVAILABLE"), "\(result.stderr)")
        #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(listener.port)"), "\(result.stderr)")
        let sandbox = try await CLIProcess.run(["sandbox", "--port", "\(listener.port)"])
        #expect(sandbox.status == 69 && sandbox.stderr.contains("PLATFORM.UNAVAILABLE"), "\(sandbox.stderr)")
    }

    @Test func badConfigFilesAreRejectedClearly() async throws {
        let directory = TemporaryFiles.unique("config")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cases = [
            ("{not json", "is not valid JSON: "),
            ("[1, 2]", "not a JSON object"),
            (#"{"lisen": "127.0.0.1:1"}"#, "unknown setting 'lisen'"),
            (#"{"max_connections": -4}"#, "max_connections"),
            (#"{"listen": {"host": "x"}}"#, "must be a string or number"),
            (#"{"credit_stall_timeout": "0s"}"#, "credit_stall_timeout must be above 0"),
            (#"{"max_pings_per_second": 0}"#, "max_pings_per_second must be a positive integer"),
            (#"{"key_requests_per_second": -1}"#, "key_requests_per_second must be 0"),
            (#"{"max_buffered_request_bytes": "lots"}"#, "max_buffered_request_bytes"),
            (#"{"sync_lease_duration": "2s"}"#, "sync_lease_duration must be at least 5s"),
            (#"{"sync_lease_duration": "20s", "sync_lease_renewal": "15s"}"#, "at most half of sync_lease_duration"),
            (#"{"recru_requests_per_second": 0}"#, "recru_requests_per_second must be a rate from 0.1 to 1000"),
            (#"{"sync_fetch_concurrency": 99}"#, "sync_fetch_concurrency must be an integer from 1 to 32"),
            (#"{"integration_pacing": ["int_a"]}"#, "INTEGRATION=RATE[/CONCURRENCY]"),
            (#"{"integration_pacing": ["int_a=3/0"]}"#, "integration_pacing concurrency of int_a"),
            (#"{"recru_unavailability_budget": "soon"}"#, "recru_unavailability_budget must be a duration"),
            (#"{"sync_interval": 1e308}"#, "sync_interval must be at most 36500d"),
            (#"{"handshake_timeout": "999999999999d"}"#, "handshake_timeout must be at most 36500d"),
        ]
        let folderAsConfig = try await CLIProcess.run(["serve", "--config", directory.path])
        #expect(folderAsConfig.status == 65 && folderAsConfig.stderr.contains("is not a regular file"))
        // A symbolic link (a mounted ConfigMap) is read through: its file's own error shows.
        let target = directory.appendingPathComponent("target.json").path
        try #"{"max_connections": -4}"#.write(toFile: target, atomically: true, encoding: .utf8)
        let link = directory.appendingPathComponent("link.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let linked = try await CLIProcess.run(["serve", "--config", link])
        #expect(linked.status == 65 && linked.stderr.contains("max_connections"), "\(linked.stderr)")
        for (index, (text, mention)) in cases.enumerated() {
            let path = directory.appendingPathComponent("c\(index).json").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try await CLIProcess.run(["serve", "--config", path])
            #expect(result.status == 65, "\(text)")
            #expect(result.stderr.contains(mention), "\(text): \(result.stderr)")
        }
    }

    // MARK: Helpers

    static func delimited(_ data: Data) throws -> [[UInt8]] {
        var records: [[UInt8]] = []
        let bytes = [UInt8](data)
        var position = 0
        while position < bytes.count {
            var length = 0
            var shift = 0
            while true {
                let byte = bytes[position]
                position += 1
                length |= Int(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            records.append(Array(bytes[position..<position + length]))
            position += length
        }
        return records
    }

    static func sandboxAdmin(_ url: String, _ body: String) async throws {
        var request = HTTPClientRequest(url: url + "/api/json-rpc")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Sandbox-Admin-Secret", value: "demo-admin")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        #expect(response.status == .ok && text.contains("\"result\""), "\(text)")
    }
}

import ATSBridgeTestSupport
import Foundation
import Testing

/// A new user's first hour, end to end: `atsbridge serve --demo` as a real process and the CLI
/// against it over real sockets, with exit codes and the exact stderr lines.
@Suite(.serialized) struct FirstHourTests {
    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    private func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    private func records(_ result: CLIProcess.Result) throws -> [[String: Any]] {
        try self.lines(result.stdout).map(self.json)
    }

    /// The environment of the demo without an integration: the only one is the default.
    private func unnamed(_ demo: DemoServer) -> [String: String] {
        demo.environment.filter { $0.key != "ATSBRIDGE_INTEGRATION" }
    }

    @Test func theBannersTryLinesRunAsPrintedAndWriteIntoAScratchFolder() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let banner = demo.process.stdout
        let tryLines = self.lines(banner).drop { !$0.hasPrefix("Try") }.dropFirst().map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        #expect(tryLines.count == 5, "\(banner)")
        #expect(tryLines.last == "atsbridge watch --from 0")
        // `watch` runs until Ctrl-C; here it stops after one event.
        let script = tryLines.dropLast().joined(separator: "\n") + "\natsbridge watch --from 0 --count 1\npwd\n"
        let workDirectory = TemporaryFiles.unique("try")
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        let shell = try await CLIProcess.run(
            ["-euc", "cd '\(workDirectory.path)'\n" + script],
            // A PATH without atsbridge, as on a fresh machine; the banner's `mktemp -d` makes its
            // scratch folder in the tests' own, removed with it.
            environment: ["PATH": "/usr/bin:/bin", "TMPDIR": TemporaryFiles.root.path],
            executable: URL(fileURLWithPath: "/bin/bash")
        )
        #expect(shell.status == 0, "\(shell.stderr)")
        #expect(shell.stdout.contains("FIRST_NAME"), "the table of candidates")
        let scratch = try #require(self.lines(shell.stdout).last)
        #expect(scratch != workDirectory.path)
        #expect(scratch.hasPrefix(TemporaryFiles.root.path + "/"))
        #expect(FileManager.default.fileExists(atPath: scratch + "/candidates.ndjson"))
        #expect(!FileManager.default.fileExists(atPath: workDirectory.path + "/candidates.ndjson"))
        #expect(shell.stderr.contains("exported 60 records to candidates.ndjson"))
    }

    @Test func watchSaysWhereItStartsOnATerminalAndJSONIsIndentedThere() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let watch = try await CLIProcess.runOnTerminal(
            ["watch", "--from", "0", "--count", "1"],
            environment: demo.environment
        )
        #expect(watch.status == 0, "\(watch.stdout)")
        #expect(watch.stdout.contains("watching from sequence 0; Ctrl-C to stop (--from 0 replays everything)\r\n"))
        #expect(watch.stdout.contains("\"kind\":\"CREATED\""))
        // In a pipe, stdout holds only the events, and stderr no hint.
        let piped = try await CLIProcess.run(["watch", "--from", "0", "--count", "1"], environment: demo.environment)
        #expect(piped.stderr.isEmpty)
        #expect(try self.json(piped.stdout)["sequence"] != nil)

        let jobs = try self.records(
            try await CLIProcess.run(["get", "jobs", "--format", "ndjson"], environment: demo.environment)
        )
        let id = try #require(jobs.first?["id"] as? String)
        let one = try await CLIProcess.runOnTerminal(
            ["get", "jobs", "--id", id, "--format", "json"],
            environment: demo.environment
        )
        #expect(one.stdout.hasPrefix("{\r\n  \"id\": \"\(id)\",\r\n  \"remote_id\": "), "\(one.stdout)")
        let compact = try await CLIProcess.run(
            ["get", "jobs", "--id", id, "--format", "json"],
            environment: demo.environment
        )
        #expect(compact.stdout.hasPrefix("{\"id\":\"\(id)\",") && self.lines(compact.stdout).count == 1)
    }

    @Test func shutdownEndsAnOpenWatchAtOnceWithServerShuttingDown() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGKILL) }
        let watch = CLIProcess.Running(["watch", "--from", "0"], environment: demo.environment)
        try watch.start()
        defer { watch.signal(SIGKILL) }
        try await watch.waitForOutput("\"sequence\"")
        demo.process.signal(SIGINT)
        // Well inside the 10 s grace period that running calls get.
        try await demo.process.waitForExit(timeout: .seconds(6))
        #expect(demo.process.status == 0)
        try await watch.waitForExit(timeout: .seconds(5))
        try await watch.drain()
        #expect(watch.status == 69)
        #expect(watch.stderr == "error: UNAVAILABLE PLATFORM.SERVER_SHUTTING_DOWN: server shutting down\n")
    }

    @Test func aServerFlagPointingAtAnotherServiceSaysSoAtOnce() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let metrics = try #require(URL(string: demo.metricsURL))
        let address = "\(metrics.host ?? ""):\(metrics.port ?? 0)"
        // The client retries an unanswered connect for 8 s; this must not wait for that.
        let ping = try await CLIProcess.run(["ping", "--server", address], timeout: .seconds(5))
        #expect(ping.status == 69)
        #expect(
            ping.stderr
                == "error: UNAVAILABLE PLATFORM.NOT_ATSBRIDGE_SERVER: \(address) is not an ATSBridge server "
                + "(or it serves TLS: connect with TLS, e.g. --ca or --tls)\n"
        )
    }

    @Test func aRestartedDemoKeepsTheSandboxsDataAndNeverReusesRemoteIDs() async throws {
        let first = DemoServer()
        try await first.start()
        let jobs = try self.records(
            try await CLIProcess.run(["get", "jobs", "--format", "ndjson"], environment: first.environment)
        )
        let open = try #require(jobs.first { $0["status"] as? String == "OPEN" }?["id"] as? String)
        let apply = ["apply", "--job", open, "--first-name", "Ada", "--last-name", "Demo", "--format", "ndjson"]
        let applied = try await CLIProcess.run(
            apply + ["--email", "ada.one@example.sk"],
            environment: first.environment
        )
        #expect(applied.status == 0, "\(applied.stderr)")
        let firstRemoteID = try #require(Int(try self.json(applied.stdout)["remote_id"] as? String ?? ""))
        try await first.stop()
        let attributes = try FileManager.default.attributesOfItem(atPath: first.directory + "/sandbox.json")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let second = DemoServer(directory: first.directory)
        try await second.start()
        defer { second.process.signal(SIGTERM) }
        #expect(second.process.stdout.contains("91 applications"), "the write survived the restart")
        // The restart's full sync found the application in the sandbox: it is not tombstoned.
        let all = try self.records(
            try await CLIProcess.run(
                ["get", "applications", "--all", "--format", "ndjson"],
                environment: second.environment
            )
        )
        #expect(all.contains { $0["remote_id"] as? String == String(firstRemoteID) })
        let again = try await CLIProcess.run(
            apply + ["--email", "ada.two@example.sk"],
            environment: second.environment
        )
        #expect(again.status == 0, "\(again.stderr)")
        let secondRemoteID = try #require(Int(try self.json(again.stdout)["remote_id"] as? String ?? ""))
        #expect(secondRemoteID > firstRemoteID, "RECRU ids are never handed out twice")
    }

    @Test func filtersThatDoNotApplyFailAndUnsupportedOnesMatchNothingUnlessIgnored() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let env = demo.environment

        let email = try await CLIProcess.run(["get", "jobs", "--email", "a@example.sk"], environment: env)
        #expect(email.status == 64)
        #expect(
            email.stderr
                == "error: INVALID_ARGUMENT CLI.USAGE: --email does not apply to jobs; the filters of jobs are "
                + "--name-contains, --job-code, --remote-created-after, --id, --updated-after, --include-deleted "
                + "(--ignore-unsupported-filters drops the others)\n"
        )
        let name = try await CLIProcess.run(["get", "candidates", "--name-contains", "a"], environment: env)
        #expect(name.status == 64 && name.stderr.hasPrefix("error: INVALID_ARGUMENT CLI.USAGE: --name-contains"))
        let ignored = try await CLIProcess.run(
            [
                "get", "candidates", "--name-contains", "a", "--ignore-unsupported-filters", "--all", "--format",
                "ndjson",
            ],
            environment: env
        )
        #expect(ignored.status == 0 && self.lines(ignored.stdout).count == 60, "\(ignored.stderr)")

        // job_code and remote_created_at are fields RECRU does not provide: their filters match
        // nothing, as in the unified API, unless unsupported filters are ignored.
        for model in ["jobs", "candidates", "applications"] {
            let created = try await CLIProcess.run(
                ["get", model, "--remote-created-after", "2020-01-01T00:00:00Z", "--format", "ndjson"],
                environment: env
            )
            #expect(created.status == 0 && created.stdout.isEmpty, "\(model): \(created.stderr)")
            #expect(
                created.stderr
                    == "no records; a filter on a field the integration does not provide matches nothing "
                    + "(`atsbridge integrations coverage` lists them; --ignore-unsupported-filters ignores it)\n"
            )
            let anyway = try await CLIProcess.run(
                [
                    "get", model, "--remote-created-after", "2020-01-01T00:00:00Z", "--ignore-unsupported-filters",
                    "--format", "ndjson",
                ],
                environment: env
            )
            #expect(!anyway.stdout.isEmpty, "\(model)")
        }
        let codes = try await CLIProcess.run(
            ["get", "jobs", "--job-code", "ENG-1", "--format", "ndjson"],
            environment: env
        )
        #expect(codes.status == 0 && codes.stdout.isEmpty)
        let rpc = try await CLIProcess.run(
            ["call", "AtsRead/GetJobPage", #"{"job_codes":["ENG-1"]}"#],
            environment: env
        )
        #expect(rpc.status == 0 && rpc.stdout == "{\"items\":[],\"next_cursor\":null}\n", "\(rpc.stdout)")
        let rpcIgnored = try await CLIProcess.run(
            ["call", "AtsRead/GetJobPage", #"{"job_codes":["ENG-1"],"page":{"ignore_unsupported_filters":true}}"#],
            environment: env
        )
        #expect(try self.json(rpcIgnored.stdout)["items"].map { ($0 as? [Any])?.count } == 12)
    }

    @Test func getSaysWhenLimitStopsItAndAllReadsEverything() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let env = demo.environment
        let limited = try await CLIProcess.run(
            ["get", "candidates", "--limit", "50", "--format", "ndjson"],
            environment: env
        )
        #expect(limited.status == 0 && self.lines(limited.stdout).count == 50)
        #expect(limited.stderr == "50 of more; use --all or export\n")
        let exact = try await CLIProcess.run(
            ["get", "candidates", "--limit", "60", "--format", "ndjson"],
            environment: env
        )
        #expect(self.lines(exact.stdout).count == 60 && exact.stderr.isEmpty, "no more exist: nothing to say")
        let all = try await CLIProcess.run(["get", "applications", "--all", "--format", "ndjson"], environment: env)
        #expect(self.lines(all.stdout).count == 90 && all.stderr.isEmpty)
    }

    @Test func everyErrorIsOneLineWithStatusAndCodeAndItsOwnExitCode() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let env = demo.environment

        let parse = try await CLIProcess.run(["get", "candidates", "--limit", "0"], environment: env)
        #expect(parse.status == 64)
        #expect(self.lines(parse.stderr).first == "error: INVALID_ARGUMENT CLI.USAGE: --limit must be positive")
        #expect(parse.stderr.contains("Usage: atsbridge get"))
        let local = try await CLIProcess.run(
            ["export", "candidates", "--out", "/nonexistent/dir/c.ndjson"],
            environment: env
        )
        #expect(local.status == 74)
        #expect(local.stderr == "error: INTERNAL CLI.IO: /nonexistent/dir/c.ndjson cannot be written\n")
        // A device or a pipe is not an export file: refused before connecting, and left as it
        // was (Foundation's createFile used to rename a new file over it).
        let fifo = TemporaryFiles.unique("atsbridge-fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { try? FileManager.default.removeItem(atPath: fifo) }
        let pipe = try await CLIProcess.run(["export", "candidates", "--out", fifo], environment: env)
        #expect(pipe.status == 64)
        #expect(pipe.stderr.hasPrefix("error: INVALID_ARGUMENT CLI.USAGE: --out \(fifo) is not a regular file"))
        let kind = try FileManager.default.attributesOfItem(atPath: fifo)[.type] as? FileAttributeType
        #expect(kind != nil && kind != .typeRegular, "still a pipe")
        // Standard output can be exported to, but not resumed.
        let resumeStdout = try await CLIProcess.run(
            ["export", "candidates", "--out", "-", "--resume"],
            environment: env
        )
        #expect(resumeStdout.status == 64)
        #expect(resumeStdout.stderr.contains("--resume needs a file"))
        let model = try await CLIProcess.run(["get", "nonsense"], environment: env)
        #expect(model.status == 64 && model.stderr.hasPrefix("error: INVALID_ARGUMENT CLI.USAGE: unknown model"))

        let unreachable = try await CLIProcess.run(
            ["integrations", "add", "--tenant-url", "http://127.0.0.1:1", "--login", "a", "--password-stdin"],
            environment: env,
            stdin: "secret-password"
        )
        #expect(unreachable.status == 69)
        #expect(
            unreachable.stderr
                == "error: UNAVAILABLE REMOTE.SERVICE_UNAVAILABLE: RECRU cannot be reached at http://127.0.0.1:1\n"
        )
        // A tenant that never answers is answered within the call's deadline, not by it.
        let silent = try await CLIProcess.run(
            [
                "integrations", "add", "--tenant-url", "http://192.0.2.1", "--login", "a", "--password-stdin",
                "--timeout", "4s",
            ],
            environment: env,
            stdin: "secret-password",
            timeout: .seconds(30)
        )
        #expect(silent.status == 69)
        #expect(
            silent.stderr
                == "error: UNAVAILABLE REMOTE.SERVICE_UNAVAILABLE: RECRU cannot be reached at http://192.0.2.1\n"
        )
    }

    @Test func adminCommandsDefaultToTheOnlyIntegrationAndPrintOneObject() async throws {
        let demo = DemoServer(extra: ["--api-key", "reader:read:reader-key-0123456789:demo"])
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let env = self.unnamed(demo)

        let show = try await CLIProcess.run(["integrations", "show", "--format", "json"], environment: env)
        #expect(show.status == 0, "\(show.stderr)")
        #expect((try self.json(show.stdout)["integration"] as? [String: Any])?["id"] as? String == "demo")
        let coverage = try await CLIProcess.run(["integrations", "coverage"], environment: env)
        let models = try #require(try self.json(coverage.stdout)["models"] as? [[String: Any]])
        #expect(models.count == 9)
        let sync = try await CLIProcess.run(["sync", "--wait", "--format", "json"], environment: env)
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(try self.json(sync.stdout)["state"] as? String == "SUCCEEDED")
        var named = env
        named["ATSBRIDGE_INTEGRATION"] = "nope"
        let missing = try await CLIProcess.run(["integrations", "show"], environment: named)
        #expect(
            missing.status == 66
                && missing.stderr == "error: NOT_FOUND PLATFORM.NOT_FOUND: no integration with id nope\n"
        )

        // A read key limited to one integration needs not name it.
        var reader = env
        reader["ATSBRIDGE_API_KEY"] = "reader-key-0123456789"
        let jobs = try await CLIProcess.run(["get", "jobs", "--format", "ndjson"], environment: reader)
        #expect(jobs.status == 0 && self.lines(jobs.stdout).count == 12, "\(jobs.stderr)")
    }

    @Test func fieldsRECRUDoesNotProvideAreNullAndListedAsUnsupported() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let env = demo.environment
        let coverage = try self.json(try await CLIProcess.run(["integrations", "coverage"], environment: env).stdout)
        let models = try #require(coverage["models"] as? [[String: Any]])
        func unsupported(_ name: String) -> Set<String> {
            let fields = models.first { $0["name"] as? String == name }?["fields"] as? [[String: Any]] ?? []
            return Set(fields.filter { $0["status"] as? String == "UNSUPPORTED" }.compactMap { $0["name"] as? String })
        }
        for (model, name, fields) in [
            ("jobs", "Job", ["job_code", "remote_created_at", "custom_fields", "remote_url", "confidential"]),
            ("candidates", "Candidate", ["remote_created_at", "remote_updated_at", "custom_fields", "remote_url"]),
            (
                "applications", "Application",
                ["remote_created_at", "remote_updated_at", "custom_fields", "rejected_at"]
            ),
        ] {
            let record = try #require(
                try self.records(try await CLIProcess.run(["get", model, "--format", "ndjson"], environment: env)).first
            )
            for field in fields {
                #expect(record.keys.contains(field) && record[field] is NSNull, "\(model).\(field) is null")
                #expect(unsupported(name).contains(field), "\(name).\(field) is listed as unsupported")
            }
        }
        let candidate = try #require(
            try self.records(
                try await CLIProcess.run(["get", "candidates", "--all", "--format", "ndjson"], environment: env)
            ).first {
                ($0["email_addresses"] as? [Any])?.isEmpty == false && ($0["phone_numbers"] as? [Any])?.isEmpty == false
            }
        )
        #expect((candidate["social_media"] as? [Any])?.isEmpty == true)
        let email = try #require((candidate["email_addresses"] as? [[String: Any]])?.first)
        #expect(email["type"] as? String == "PERSONAL" && email["type_raw"] as? String == "private")
        let phone = try #require((candidate["phone_numbers"] as? [[String: Any]])?.first)
        #expect(phone["type"] as? String == "PERSONAL" && phone["type_raw"] as? String == "mobile")
    }

    @Test func theServerLogsRefusedCallsAndActionsWithKeyNamesOnly() async throws {
        let demo = DemoServer(extra: ["--api-key", "reader:read:reader-key-0123456789:demo", "--log-level", "notice"])
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        var env = demo.environment
        env["ATSBRIDGE_API_KEY"] = "wrong-key-0123456789"
        #expect(try await CLIProcess.run(["get", "jobs"], environment: env).status == 77)
        env["ATSBRIDGE_API_KEY"] = "reader-key-0123456789"
        #expect(try await CLIProcess.run(["sync"], environment: env).status == 77)
        let jobs = try self.records(
            try await CLIProcess.run(["get", "jobs", "--format", "ndjson"], environment: demo.environment)
        )
        let open = try #require(jobs.first { $0["status"] as? String == "OPEN" }?["id"] as? String)
        let applied = try await CLIProcess.run(
            [
                "apply", "--job", open, "--first-name", "Zuzana", "--last-name", "Logova", "--email",
                "zuzana.log@example.sk",
            ],
            environment: demo.environment
        )
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try await CLIProcess.run(["sync", "--wait"], environment: demo.environment).status == 0)
        try await demo.stop()
        let log = demo.process.stderr
        let refused = self.lines(log).filter { $0.contains("call refused") }
        #expect(refused.contains { $0.contains("rpc.key=unknown") && $0.contains("UNAUTHENTICATED") }, "\(log)")
        #expect(refused.contains { $0.contains("rpc.key=reader") && $0.contains("PERMISSION_DENIED") }, "\(log)")
        #expect(
            self.lines(log).contains {
                $0.contains("write call") && $0.contains("CreateApplication") && $0.contains("rpc.key=demo")
                    && $0.contains("rpc.status=OK")
            },
            "\(log)"
        )
        #expect(self.lines(log).contains { $0.contains("admin call") && $0.contains("TriggerSync") }, "\(log)")
        for secret in ["wrong-key-0123456789", "reader-key-0123456789", demo.key, "Zuzana", "Logova", "zuzana.log"] {
            #expect(!log.contains(secret), "the log never holds \(secret)")
        }
    }
}

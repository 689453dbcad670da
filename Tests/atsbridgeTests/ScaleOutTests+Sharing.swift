import ATSBridgeTestSupport
import Foundation
import Testing

/// What one server does, every other server sharing the store sees: records, changes, writes'
/// idempotency keys, integrations, settings and API keys.
extension ScaleOutTests {
    /// An open job's id, through `server`.
    private func openJob(_ server: StoreServer, _ id: String) async throws -> String {
        let jobs = try await ScaleOutCluster.records(server, id, "jobs")
        return try #require(jobs.first { $0["status"] as? String == "OPEN" }?["id"] as? String)
    }

    private func apply(
        _ server: StoreServer,
        _ id: String,
        job: String,
        email: String,
        key: String? = nil
    ) async throws -> [String: Any] {
        var arguments = [
            "apply", "--job", job, "--first-name", "Test", "--last-name", "Scale", "--email", email, "--format",
            "ndjson",
        ]
        if let key { arguments += ["--idempotency-key", key] }
        let applied = try await CLIProcess.run(arguments, environment: server.environment(integration: id))
        #expect(applied.status == 0, "\(applied.stderr)")
        return try #require(try ScaleOutCluster.json(applied.stdout) as? [String: Any], "\(applied.stderr)")
    }

    /// One page of candidates through `server` (`atsbridge call`).
    private func page(_ server: StoreServer, _ id: String, _ request: String) async throws -> [String: Any] {
        let called = try await CLIProcess.run(
            ["call", "AtsRead/GetCandidatePage", request],
            environment: server.environment(integration: id)
        )
        #expect(called.status == 0, "\(called.stderr)")
        return try #require(try ScaleOutCluster.json(called.stdout) as? [String: Any], "\(called.stdout)")
    }

    @Test func aServerReadsWhatAnotherSyncedAndWroteAndItsWatchMissesNothing() async throws {
        try await self.withCluster(sandbox: ["--latency-ms", "20"]) { cluster in
            let (a, b) = (cluster.servers[0], cluster.servers[1])
            let id = try await cluster.addIntegration(through: a)
            // The banner names the store, without its password.
            let password = URLComponents(string: cluster.database)?.password ?? ""
            for server in [a, b] {
                let output = (server.process?.stdout ?? "") + (server.process?.stderr ?? "")
                #expect(password.isEmpty || (output.contains(":***@") && !output.contains(password)), "\(output)")
            }
            for model in ["candidates", "jobs", "applications"] {
                let throughA = try await ScaleOutCluster.records(a, id, model)
                let throughB = try await ScaleOutCluster.records(b, id, model)
                #expect(!throughB.isEmpty && throughB.count == throughA.count, "\(model)")
                #expect(
                    Set(throughB.compactMap { $0["id"] as? String }) == Set(throughA.compactMap { $0["id"] as? String })
                )
            }

            // A page cursor from one server continues on the other: both sign with the store's secret.
            let first = try await self.page(a, id, #"{"page":{"page_size":2}}"#)
            let cursor = try #require(first["next_cursor"] as? String)
            let next = try await self.page(b, id, #"{"page":{"page_size":2,"cursor":"\#(cursor)"}}"#)
            let ids = { (page: [String: Any]) in
                (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(ids(next).count == 2 && Set(ids(next)).isDisjoint(with: ids(first)), "\(next)")

            // The second server's change stream, from the start, while both servers write at once
            // and the first one syncs.
            let watch = CLIProcess.Running(["watch", "--from", "0"], environment: b.environment(integration: id))
            try watch.start()
            defer { watch.signal(SIGTERM) }
            let job = try await self.openJob(a, id)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let sync = try await CLIProcess.run(
                        ["sync", "--full", "--wait"],
                        environment: a.environment(integration: id)
                    )
                    #expect(sync.status == 0, "\(sync.stderr)")
                }
                for index in 0..<6 {
                    group.addTask {
                        _ = try await self.apply(
                            [a, b][index % 2],
                            id,
                            job: job,
                            email: "watch.\(index)@example.sk"
                        )
                    }
                }
                try await group.waitForAll()
            }
            // The last change, written through the first server: once the watch on the second
            // shows it, it has shown everything before it.
            let marker = try #require(
                try await self.apply(a, id, job: job, email: "watch.last@example.sk")["candidate_id"] as? String
            )
            try await eventually(timeout: .seconds(30), "the watch on the second server shows the last change") {
                watch.stdout.contains(marker)
            }
            let streamed = try Self.changes(watch.stdout, through: marker)
            let sequences = streamed.map(\.sequence)
            #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $0 < $1 }, "in order, none twice")
            // The log replayed through the first server: the same changes, none missing. The
            // stream sends consecutive changes of one model and kind as one event, however many
            // were committed when it looked, so events are compared change by change.
            let replay = CLIProcess.Running(["watch", "--from", "0"], environment: a.environment(integration: id))
            try replay.start()
            defer { replay.signal(SIGTERM) }
            try await eventually(timeout: .seconds(30), "the replay through the first server reaches the last change") {
                replay.stdout.contains(marker)
            }
            let replayed = try Self.changes(replay.stdout, through: marker)
            #expect(streamed.flatMap(\.changes) == replayed.flatMap(\.changes), "the second server streamed the log")
            #expect(streamed.last?.sequence == replayed.last?.sequence)
        }
    }

    /// Watch events (NDJSON) up to the one naming `marker`: each event's sequence and its
    /// changes as `MODEL KIND ID`.
    private static func changes(_ output: String, through marker: String) throws -> [(
        sequence: Int, changes: [String]
    )] {
        var events: [(sequence: Int, changes: [String])] = []
        for line in output.split(separator: "\n") {
            let event = try #require(try ScaleOutCluster.json(String(line)) as? [String: Any])
            let ids = event["ids"] as? [String] ?? []
            let prefix = "\(event["model"] as? String ?? "") \(event["kind"] as? String ?? "") "
            events.append((try #require(event["sequence"] as? Int), ids.map { prefix + $0 }))
            if ids.contains(marker) { break }
        }
        return events
    }

    @Test func anIdempotencyKeyUsedOnTwoServersAtOnceWritesToRECRUOnce() async throws {
        // RECRU answers slowly, so both servers hold the request at the same time.
        try await self.withCluster(sandbox: ["--latency-ms", "300"]) { cluster in
            let (a, b) = (cluster.servers[0], cluster.servers[1])
            let id = try await cluster.addIntegration(through: a)
            let job = try await self.openJob(a, id)
            // The sandbox logs every call it answers on stderr, with its methods.
            let calls = {
                cluster.sandbox.process.stderr.split(separator: "\n").filter {
                    $0.contains("sandbox call") && $0.contains("JobseekerService.apply")
                }.count
            }
            let before = calls()
            let remoteIDs = try await withThrowingTaskGroup(of: String?.self) { group in
                for server in [a, b] {
                    group.addTask {
                        try await self.apply(server, id, job: job, email: "once@example.sk", key: "board-7731")[
                            "remote_id"
                        ] as? String
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(calls() - before == 1, "one JobseekerService.apply reached RECRU")
            #expect(
                Set(remoteIDs).count == 1 && remoteIDs.first??.isEmpty == false,
                "both servers answer with the one application: \(remoteIDs)"
            )
            let found = try await CLIProcess.run(
                ["get", "candidates", "--email", "once@example.sk", "--format", "ndjson"],
                environment: b.environment(integration: id)
            )
            #expect(found.stdout.split(separator: "\n").count == 1, "one candidate: \(found.stdout)")
        }
    }

    @Test func integrationsSettingsAndKeysMadeOnOneServerHoldOnTheOther() async throws {
        try await self.withCluster { cluster in
            let (a, b) = (cluster.servers[0], cluster.servers[1])
            let id = try await cluster.addIntegration(through: a)
            let list = try await CLIProcess.run(
                ["integrations", "list", "--format", "ndjson"],
                environment: b.environment()
            )
            #expect(list.stdout.contains("\"\(id)\""), "the integration added on the first server")

            // A key created on the first server works on the second, until revoked on the first.
            let created = try await CLIProcess.run(
                ["keys", "create", "reader-1", "--role", "read"],
                environment: a.environment()
            )
            #expect(created.status == 0, "\(created.stderr)")
            let secret = try #require(created.stdout.split(separator: "\n").first.map(String.init))
            var reader = b.environment(integration: id)
            reader["ATSBRIDGE_API_KEY"] = secret
            let read = try await CLIProcess.run(["get", "candidates", "--limit", "1"], environment: reader)
            #expect(read.status == 0, "\(read.stderr)")
            let revoked = try await CLIProcess.run(["keys", "revoke", "reader-1"], environment: a.environment())
            #expect(revoked.status == 0, "\(revoked.stderr)")
            let refused = try await CLIProcess.run(["get", "candidates", "--limit", "1"], environment: reader)
            #expect(refused.status == 77 && refused.stderr.contains("UNAUTHENTICATED"), "\(refused.stderr)")

            // Settings changed and a pause on the first server hold on the second.
            let updated = try await CLIProcess.run(
                ["integrations", "update", id, "--sync-interval", "2h"],
                environment: a.environment()
            )
            #expect(updated.status == 0, "\(updated.stderr)")
            let shown = try await CLIProcess.run(
                ["integrations", "show", id, "--format", "json"],
                environment: b.environment()
            )
            #expect(shown.stdout.contains("7200000"), "\(shown.stdout)")
            let paused = try await CLIProcess.run(["integrations", "pause", id], environment: a.environment())
            #expect(paused.status == 0, "\(paused.stderr)")
            let sync = try await CLIProcess.run(["sync"], environment: b.environment(integration: id))
            #expect(sync.status == 75 && sync.stderr.contains("INTEGRATION.INACTIVE"), "\(sync.stderr)")
        }
    }
}

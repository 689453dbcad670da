import ATSBridgeTestSupport
import Foundation
import Testing

/// One sync per integration across every server sharing the store: the sync lease.
extension ScaleOutTests {
    @Test func scheduledAndManualSyncsOfOneIntegrationNeverOverlapAcrossServers() async throws {
        // Slow RECRU answers: a sync lasts seconds, so the servers' syncs would overlap without the lease.
        try await self.withCluster(sandbox: ["--latency-ms", "250"]) { cluster in
            let (a, b) = (cluster.servers[0], cluster.servers[1])
            let id = try await cluster.addIntegration(through: a, syncInterval: "1m")

            // Manual syncs sent to both servers at the same moment.
            var manual: Set<String> = []
            var refused = 0
            for _ in 0..<3 {
                let results = try await withThrowingTaskGroup(of: CLIProcess.Result.self) { group in
                    for server in [a, b] {
                        group.addTask {
                            try await CLIProcess.run(
                                ["sync", "--wait", "--format", "ndjson"],
                                environment: server.environment(integration: id),
                                timeout: .seconds(180)
                            )
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                for result in results {
                    let run = try #require(
                        try ScaleOutCluster.json(result.stdout) as? [String: Any],
                        "\(result.stderr)"
                    )
                    manual.insert(try #require(run["id"] as? String))
                    if run["state"] as? String == "CANCELLED" {
                        #expect(run["error_message"] as? String == "another server is syncing this integration")
                        refused += 1
                    }
                }
            }
            #expect(refused > 0, "a sync requested while the other server syncs is refused, not run alongside")

            // Both schedulers find the integration due a minute after the last sync started; while
            // the scheduled sync runs, manual ones are sent to both servers.
            let before = Set(try await a.runs(id).compactMap { $0["id"] as? String })
            var scheduled: String?
            try await eventually(timeout: .seconds(150), "a scheduled sync RUNNING") {
                let runs = try await b.runs(id)
                scheduled =
                    runs.first { run in
                        !before.contains(run["id"] as? String ?? "") && run["state"] as? String == "RUNNING"
                    }?["id"] as? String
                return scheduled != nil
            }
            for server in [a, b] {
                let result = try await CLIProcess.run(
                    ["sync", "--format", "ndjson"],
                    environment: server.environment(integration: id)
                )
                #expect(result.status == 0, "\(result.stderr)")
            }
            try await eventually(timeout: .seconds(120), "no sync queued or running") {
                try await a.runs(id).allSatisfy {
                    $0["state"] as? String != "RUNNING" && $0["state"] as? String != "QUEUED"
                }
            }
            let runs = try await b.runs(id)
            let ran = Self.expectNoOverlap(runs)
            #expect(ran.count >= 5, "the setup sync, three manual ones and a scheduled one ran: \(ran.map(\.id))")
            #expect(runs.contains { $0["id"] as? String == scheduled && $0["state"] as? String == "SUCCEEDED" })
            #expect(!runs.contains { $0["state"] as? String == "FAILED" }, "\(runs)")
        }
    }

    @Test func aKilledLeaseHolderIsTakenOverOnceItsLeaseExpiresAndTheStoreEqualsACleanRun() async throws {
        try await self.withCluster(sandbox: ["--latency-ms", "250"], environment: Self.shortLease, start: false) {
            cluster in
            let (a, b) = (cluster.servers[0], cluster.servers[1])
            try await cluster.start([0])
            let id = try await cluster.addIntegration(through: a, waitForSetup: false)
            // Both servers up before the first one's sync is watched, so that the kill follows
            // the sighting at once; a sync that still ends before the kill (a loaded machine) is
            // followed by another, killed in turn.
            try await cluster.start([1])
            var killed: String?
            var killedAt = Date()
            for attempt in 0..<3 where killed == nil {
                if attempt > 0 {
                    try await cluster.start([0])
                    let again = try await CLIProcess.run(
                        ["sync", "--full"],
                        environment: a.environment(integration: id)
                    )
                    #expect(again.status == 0, "\(again.stderr)")
                }
                try await eventually(timeout: .seconds(30), "a sync RUNNING on the first server") {
                    try await a.runs(id).first?["state"] as? String == "RUNNING"
                }
                let running = try #require(try await a.runs(id).first?["id"] as? String)
                try await a.kill()
                killedAt = Date()
                let state = try await b.runs(id).first { $0["id"] as? String == running }?["state"] as? String
                if state != "SUCCEEDED" { killed = running }
            }
            let interrupted = try #require(killed, "three syncs in a row ended before the kill")

            // The survivor takes over once the dead server's 8-second lease expired (it looks
            // every renewal interval, 2 s), and its sync completes the work: a run newer than
            // the interrupted one (the history is newest first).
            var takeover: [String: Any] = [:]
            try await eventually(timeout: .seconds(120), "the second server's sync SUCCEEDED") {
                let runs = try await b.runs(id)
                let position = runs.firstIndex { $0["id"] as? String == interrupted } ?? 0
                takeover = runs[..<position].first { $0["state"] as? String == "SUCCEEDED" } ?? [:]
                return !takeover.isEmpty
            }
            let started = try #require(ScaleOutCluster.date(takeover["started_at"]))
            #expect(
                started.timeIntervalSince(killedAt) < 8 + 2 + 5,
                "taken over \(started.timeIntervalSince(killedAt)) s after the kill; the lease lasts 8 s"
            )
            let history = try await b.runs(id)
            let failed = try #require(history.first { $0["id"] as? String == interrupted })
            #expect(failed["state"] as? String == "FAILED")
            #expect((failed["error_message"] as? String)?.hasPrefix("interrupted") == true)
            _ = Self.expectNoOverlap(history)

            // A clean run: another server syncs the same sandbox into an SQLite store of its own.
            let clean = StoreServer()
            try await clean.start()
            defer { clean.process?.signal(SIGTERM) }
            let cleanID = try await cluster.addIntegration(through: clean)
            for model in ["users", "jobs", "candidates", "application_stages", "applications", "tags"] {
                let survived = try await ScaleOutCluster.records(b, id, model)
                let reference = try await ScaleOutCluster.records(clean, cleanID, model)
                #expect(!reference.isEmpty, "\(model)")
                let (left, right) = (try Self.canonicalLines(survived), try Self.canonicalLines(reference))
                #expect(
                    left == right,
                    "\(model) after the takeover equal a clean sync's; only in one: \(Set(left).symmetricDifference(right).sorted().prefix(2))"
                )
            }
            for model in ["candidate_tags", "job_application_stages", "job_hiring_team_members"] {
                #expect(
                    try await ScaleOutCluster.records(b, id, model).count
                        == ScaleOutCluster.records(clean, cleanID, model).count,
                    "\(model)"
                )
            }
            try await clean.stop()
        }
    }
}

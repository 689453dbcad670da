import ATSBridgeTestSupport
import Foundation
import Testing

/// `atsbridge keys`, `audit`, `integrations update` and `credential-key rotate` as real
/// processes against `atsbridge serve --demo`.
@Suite(.serialized) struct KeysCommandTests {
    private func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test func keysAreCreatedListedWithoutSecretsAndRevokedForTheNextCall() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let env = demo.environment

        let created = try await CLIProcess.run(["keys", "create", "jobboard", "--role", "read"], environment: env)
        #expect(created.status == 0, "\(created.stderr)")
        let secret = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("atsb_"))
        #expect(created.stderr.contains("shown only now"))

        let list = try await CLIProcess.run(["keys", "list", "--format", "ndjson"], environment: env)
        #expect(list.status == 0)
        let keys = self.lines(list.stdout)
        #expect(keys.compactMap { $0["name"] as? String }.sorted() == ["demo", "jobboard"])
        let jobboard = try #require(keys.first { $0["name"] as? String == "jobboard" })
        #expect(jobboard["role"] as? String == "READ" && jobboard["origin"] as? String == "MANAGED")
        #expect(jobboard["created_at"] is String)
        #expect(!list.stdout.contains(secret) && !list.stdout.contains(demo.key))
        let table = try await CLIProcess.run(["keys", "list"], environment: env)
        #expect(table.stdout.contains("jobboard") && !table.stdout.contains(secret))

        var withSecret = env
        withSecret["ATSBRIDGE_API_KEY"] = secret
        let read = try await CLIProcess.run(
            ["get", "jobs", "--limit", "1", "--format", "ndjson"],
            environment: withSecret
        )
        #expect(read.status == 0, "\(read.stderr)")
        let pause = try await CLIProcess.run(["integrations", "pause", "demo"], environment: withSecret)
        #expect(pause.status == 77, "a read key may not pause")

        let revoke = try await CLIProcess.run(["keys", "revoke", "jobboard"], environment: env)
        #expect(revoke.status == 0 && revoke.stdout.contains("revoked jobboard"))
        let refused = try await CLIProcess.run(["get", "jobs", "--limit", "1"], environment: withSecret)
        #expect(refused.status == 77 && refused.stderr.contains("UNAUTHENTICATED"))
        #expect(!refused.stderr.contains(secret))

        let update = try await CLIProcess.run(
            [
                "integrations", "update", "demo", "--sync-interval", "1h", "--source-name", "Jobboard", "--format",
                "json",
            ],
            environment: env
        )
        #expect(update.status == 0, "\(update.stderr)")
        #expect(
            update.stdout.contains("\"sync_interval_ms\":3600000")
                && update.stdout.contains("\"source_name\":\"Jobboard\"")
        )
        let bad = try await CLIProcess.run(
            ["integrations", "update", "demo", "--sync-interval", "5s"],
            environment: env
        )
        #expect(bad.status == 65)

        let audit = try await CLIProcess.run(["audit", "--format", "ndjson"], environment: env)
        #expect(audit.status == 0)
        let entries = self.lines(audit.stdout)
        let methods = entries.compactMap { $0["method"] as? String }
        // Newest first; the read key's refused pause is recorded under its name.
        #expect(
            methods == [
                "/atsbridge.v1.Admin/UpdateIntegration", "/atsbridge.v1.Admin/UpdateIntegration",
                "/atsbridge.v1.Admin/RevokeApiKey", "/atsbridge.v1.Admin/PauseIntegration",
                "/atsbridge.v1.Admin/CreateApiKey",
            ]
        )
        #expect(entries.first?["status"] as? String == "INVALID_ARGUMENT")
        #expect(entries.compactMap { $0["key_name"] as? String } == ["demo", "demo", "demo", "jobboard", "demo"])
        #expect(entries[3]["status"] as? String == "PERMISSION_DENIED")
    }

    @Test func theCredentialKeyRotatesOfflineAndTheServerStartsOnlyWithTheNewKey() async throws {
        let directory = TemporaryFiles.unique("rotate").path
        let demo = DemoServer(directory: directory)
        try await demo.start()
        try await demo.stop()
        let old = try String(contentsOfFile: directory + "/credential.key", encoding: .utf8)
        let new = try await CLIProcess.run(["keygen"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let store = "sqlite:\(directory)/atsbridge.sqlite"
        let wrong = try await CLIProcess.run(
            ["credential-key", "rotate", "--store", store],
            environment: ["ATSBRIDGE_CREDENTIAL_KEY": new, "ATSBRIDGE_NEW_CREDENTIAL_KEY": new]
        )
        #expect(wrong.status == 75, "a current key that does not open them: \(wrong.stderr)")
        let rotated = try await CLIProcess.run(
            ["credential-key", "rotate", "--store", store],
            environment: ["ATSBRIDGE_CREDENTIAL_KEY": old, "ATSBRIDGE_NEW_CREDENTIAL_KEY": new]
        )
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.stdout.contains("re-sealed the credentials of 1 integrations"))
        #expect(!rotated.stdout.contains(new) && !rotated.stderr.contains(old))

        // The old key (the demo's key file) no longer opens them; the new one does.
        let stale = CLIProcess.Running(
            ["serve", "--demo", "--listen", "127.0.0.1:0", "--metrics-listen", "off", "--data-dir", directory]
        )
        try stale.start()
        try await stale.waitForExit()
        #expect(stale.status == 75)
        let fresh = DemoServer(directory: directory, extra: ["--credential-key", new])
        try await fresh.start()
        let audit = try await CLIProcess.run(["audit", "--format", "ndjson"], environment: fresh.environment)
        #expect(audit.stdout.contains("local:credential-key rotate"))
        try await fresh.stop()
    }
}

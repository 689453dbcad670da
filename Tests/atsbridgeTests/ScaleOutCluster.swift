import ATSBridgeTestSupport
import Foundation
import Testing

/// Several `atsbridge serve` processes on one fresh PostgreSQL database, and one RECRU sandbox
/// process, as in docs/scale-out.md: each server with its own sync instance id.
final class ScaleOutCluster: Sendable {
    let sandbox: SandboxProcess
    let database: String
    let servers: [StoreServer]

    /// Makes the database and the processes' handles; ``start(_:)`` starts servers.
    ///
    /// - Parameters:
    ///   - instances: How many servers.
    ///   - sandbox: Arguments of `atsbridge sandbox` (faults, latency, size).
    ///   - environment: Settings every server gets (e.g. `ATSBRIDGE_SYNC_LEASE_DURATION`).
    init(instances: Int = 2, sandbox: [String] = [], environment: [String: String] = [:]) async throws {
        let database = try await TestPostgres.freshDatabase()
        self.database = database
        self.sandbox = SandboxProcess(sandbox)
        self.servers = (0..<instances).map { index in
            var settings = environment
            settings["ATSBRIDGE_STORE"] = database
            settings["ATSBRIDGE_SYNC_INSTANCE_ID"] = "instance-\(index)"
            return StoreServer(environment: settings)
        }
        try await self.sandbox.start()
    }

    /// Starts the servers at `indices` (all by default) at once, and waits until they listen.
    func start(_ indices: [Int]? = nil) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in indices ?? Array(self.servers.indices) {
                group.addTask { try await self.servers[index].start() }
            }
            try await group.waitForAll()
        }
    }

    /// Stops every process and drops the database.
    func stop() async {
        for server in self.servers {
            // A server that does not stop within the deadline is killed, never left running.
            do { try await server.stop() } catch { try? await server.kill() }
        }
        self.sandbox.process.signal(SIGTERM)
        await TestPostgres.drop(self.database)
    }

    /// Adds an integration of the sandbox through `server`; its setup sync starts there, and is
    /// waited for unless `waitForSetup` is false.
    func addIntegration(
        through server: StoreServer,
        syncInterval: String? = nil,
        waitForSetup: Bool = true
    ) async throws -> String {
        var arguments = [
            "integrations", "add", "--tenant-url", self.sandbox.url, "--login", "api@acme.example", "--password-stdin",
            "--format", "ndjson",
        ]
        if let syncInterval { arguments += ["--sync-interval", syncInterval] }
        let added = try await CLIProcess.run(arguments, environment: server.environment(), stdin: "sandbox")
        #expect(added.status == 0, "\(added.stderr)")
        let integration = try #require(try Self.json(added.stdout) as? [String: Any])
        let id = try #require(integration["id"] as? String)
        if waitForSetup {
            try await eventually(timeout: .seconds(120), "the setup sync SUCCEEDED") {
                try await server.runs(id).first?["state"] as? String == "SUCCEEDED"
            }
        }
        return id
    }

    /// Every record of `model` through `server`, one JSON object per line.
    static func records(_ server: StoreServer, _ id: String, _ model: String) async throws -> [[String: Any]] {
        let read = try await CLIProcess.run(
            ["get", model, "--limit", "100000", "--format", "ndjson"],
            environment: server.environment(integration: id),
            timeout: .seconds(120)
        )
        #expect(read.status == 0, "\(read.stderr)")
        return try read.stdout.split(separator: "\n").map {
            try #require(try self.json(String($0)) as? [String: Any])
        }
    }

    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// A time the CLI printed (RFC 3339 with fractions) as a date.
    static func date(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}

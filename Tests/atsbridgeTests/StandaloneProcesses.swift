import ATSBridgeTestSupport
import Foundation
import Synchronization
import Testing

/// `atsbridge sandbox` as a real process on a free port, with its admin API.
final class SandboxProcess: Sendable {
    let process: CLIProcess.Running
    let adminSecret = "sandbox-admin-secret"

    init(_ arguments: [String]) {
        self.process = CLIProcess.Running(
            ["sandbox", "--port", "0", "--admin-secret", self.adminSecret] + arguments
        )
    }

    func start() async throws {
        try self.process.start()
        try await self.process.waitForOutput("RECRU sandbox at ")
        try await self.process.waitForOutput("\n")
    }

    /// `http://127.0.0.1:PORT`, from the line the sandbox prints.
    var url: String {
        let text = self.process.stdout
        guard let range = text.range(of: "RECRU sandbox at ") else { return "" }
        return String(text[range.upperBound...].prefix { !$0.isWhitespace })
    }
}

/// `atsbridge serve` (no demo) as a real process on a free port, over a store that outlives it:
/// an SQLite file of its own, or a store given in `ATSBRIDGE_STORE` (a PostgreSQL URL, never
/// on the command line).
final class StoreServer: Sendable {
    let directory: String
    let adminKey = "admin-key-0123456789abcdef"
    let credentialKey = String(repeating: "0123456789abcdef", count: 4)
    private let extra: [String]
    private let serverEnvironment: [String: String]
    private let running = Mutex<CLIProcess.Running?>(nil)

    init(extra: [String] = [], environment: [String: String] = [:]) {
        self.directory = TemporaryFiles.unique("serve").path
        self.extra = extra
        var environment = environment
        if environment["ATSBRIDGE_STORE"] == nil {
            environment["ATSBRIDGE_STORE"] = "sqlite:\(self.directory)/atsbridge.sqlite"
        }
        self.serverEnvironment = environment
    }

    var process: CLIProcess.Running? { self.running.withLock { $0 } }

    /// Starts a server process (again, after a stop or a kill) and waits until it listens.
    func start() async throws {
        let process = CLIProcess.Running(
            [
                "serve", "--listen", "127.0.0.1:0", "--metrics-listen", "off", "--credential-key",
                self.credentialKey, "--api-key", "admin:admin:\(self.adminKey)", "--log-level", "warning",
            ] + self.extra,
            environment: self.serverEnvironment
        )
        try process.start()
        try await process.waitForOutput("listening on ")
        try await process.waitForOutput("\n")
        self.running.withLock { $0 = process }
    }

    /// `HOST:PORT` of the running process.
    var server: String {
        let text = self.process?.stdout ?? ""
        guard let range = text.range(of: "listening on ") else { return "" }
        return String(text[range.upperBound...].prefix { !$0.isWhitespace })
    }

    func environment(integration: String? = nil) -> [String: String] {
        var environment = ["ATSBRIDGE_SERVER": self.server, "ATSBRIDGE_API_KEY": self.adminKey]
        if let integration { environment["ATSBRIDGE_INTEGRATION"] = integration }
        return environment
    }

    /// SIGKILL, as a crash or the OOM killer would, and waits until the process is gone.
    func kill() async throws {
        guard let process = self.process else { return }
        process.signal(SIGKILL)
        try await process.waitForExit()
    }

    func stop() async throws {
        guard let process = self.process else { return }
        process.signal(SIGTERM)
        try await process.waitForExit()
    }
}

extension StoreServer {
    /// An integration's whole sync history, newest first (`integrations show --all`).
    func runs(_ id: String) async throws -> [[String: Any]] {
        let show = try await CLIProcess.run(
            ["integrations", "show", id, "--all", "--runs", "200", "--format", "json"],
            environment: self.environment()
        )
        #expect(show.status == 0, "\(show.stderr)")
        let status = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        return status["runs"] as? [[String: Any]] ?? []
    }
}

/// Polls `condition` until it holds or `timeout` passes (never a fixed sleep).
func eventually(
    timeout: Duration,
    _ what: String,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw ChildProcess.Timeout(arguments: ["waiting for: \(what)"])
}

import ATSBridgeTestSupport
import Foundation
import Synchronization

/// The `atsbridge` executable built beside the tests, run as a real process.
enum CLIProcess {
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("atsbridge")

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the CLI on a pseudo-terminal (util-linux `script`), so its stdout and stderr are
    /// terminals; the output of both comes back as `stdout`, with CRLF line ends.
    static func runOnTerminal(
        _ arguments: [String],
        environment: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) async throws -> Result {
        let quoted = ([self.executable.path] + arguments).map {
            "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        return try await self.run(
            ["-qec", quoted.joined(separator: " "), "/dev/null"],
            environment: environment,
            timeout: timeout,
            executable: URL(fileURLWithPath: "/usr/bin/script")
        )
    }

    /// Runs the CLI to completion (with a deadline) and collects its output.
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        stdin: String? = nil,
        timeout: Duration = .seconds(60),
        executable: URL = CLIProcess.executable
    ) async throws -> Result {
        let process = Running(arguments, environment: environment, stdin: stdin, executable: executable)
        try await process.runToEnd(timeout: timeout)
        return Result(status: process.status, stdout: process.stdout, stderr: process.stderr)
    }

    /// A started CLI whose output is collected as it comes (see ``ChildProcess``).
    typealias Running = ChildProcess
}

extension ChildProcess {
    /// The CLI (or `executable`) with these arguments, in this process's environment without
    /// its `ATSBRIDGE_` variables, plus `environment`.
    convenience init(
        _ arguments: [String],
        environment: [String: String] = [:],
        stdin: String? = nil,
        executable: URL = CLIProcess.executable
    ) {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ATSBRIDGE_") }
        env.merge(environment) { $1 }
        self.init(
            executable: executable.path,
            arguments: arguments,
            environment: env,
            stdin: stdin.map { Data($0.utf8) }
        )
    }
}

/// `atsbridge serve --demo` on free ports in its own data directory, stopped with SIGTERM.
final class DemoServer: Sendable {
    let process: CLIProcess.Running
    let directory: String
    let key = "test-demo-key-0123456789"
    private let banner = Mutex("")

    init(directory: String? = nil, extra: [String] = [], environment: [String: String] = [:]) {
        self.directory =
            directory
            ?? TemporaryFiles.unique("demo").path
        self.process = CLIProcess.Running(
            [
                "serve", "--demo", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--data-dir",
                self.directory, "--demo-api-key", self.key, "--log-level", "warning",
            ] + extra,
            environment: environment
        )
    }

    /// Starts the server and waits for its banner.
    func start() async throws {
        try self.process.start()
        try await self.process.waitForOutput("API key:")
        self.banner.withLock { $0 = self.process.stdout }
    }

    /// `HOST:PORT` of the RPC server, from the banner.
    var server: String { self.field(after: "listening on ") }
    /// The sandbox's URL, from the banner.
    var sandboxURL: String {
        self.field(after: "RECRU sandbox at ").trimmingCharacters(in: CharacterSet(charactersIn: ":"))
    }

    /// The metrics URL, from the banner.
    var metricsURL: String { self.field(after: "metrics: ") }

    /// The environment the client commands need.
    var environment: [String: String] {
        ["ATSBRIDGE_SERVER": self.server, "ATSBRIDGE_API_KEY": self.key, "ATSBRIDGE_INTEGRATION": "demo"]
    }

    func stop() async throws {
        self.process.signal(SIGTERM)
        try await self.process.waitForExit()
    }

    private func field(after prefix: String) -> String {
        let text = self.banner.withLock { $0 }
        guard let range = text.range(of: prefix) else { return "" }
        return String(text[range.upperBound...].prefix { !$0.isWhitespace })
    }
}

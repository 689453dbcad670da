import CATSBridgeSystem
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
        try process.start()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.signal(SIGKILL)
                throw CLITimeout(arguments: arguments)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        try await process.drain()
        return Result(status: process.status, stdout: process.stdout, stderr: process.stderr)
    }

    /// A started process whose output is collected as it comes.
    ///
    /// Spawned with `atsb_spawn`, not Foundation's `Process`: on Linux, `Process.run()` lists
    /// /proc/self/fd with an over-reading copy that crashes the test process now and then
    /// (swift-corelibs-foundation#5472), and these tests start hundreds of processes.
    final class Running: Sendable {
        private let arguments: [String]
        private let executable: String
        private let environment: [String]
        private let out = OutputBuffer()
        private let err = OutputBuffer()
        private let input: String?
        /// The child's id once started, and its wait status once it exited.
        private let child = Mutex<(pid: Int32, exit: Int32?)>((0, nil))

        init(
            _ arguments: [String],
            environment: [String: String] = [:],
            stdin: String? = nil,
            executable: URL = CLIProcess.executable
        ) {
            self.arguments = arguments
            self.executable = executable.path
            var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ATSBRIDGE_") }
            env.merge(environment) { $1 }
            self.environment = env.map { "\($0.key)=\($0.value)" }
            self.input = stdin
        }

        func start() throws {
            let input = try Self.makePipe()
            let output = try Self.makePipe()
            let errors = try Self.makePipe()
            let argv = ([self.executable] + self.arguments).map { strdup($0) } + [nil]
            let envp = self.environment.map { strdup($0) } + [nil]
            defer { for string in argv + envp { free(string) } }
            var pid: Int32 = 0
            let error = atsb_spawn(self.executable, argv, envp, input.read, output.write, errors.write, &pid)
            for descriptor in [input.read, output.write, errors.write] { close(descriptor) }
            guard error == 0 else {
                for descriptor in [input.write, output.read, errors.read] { close(descriptor) }
                throw CLISpawnError(arguments: self.arguments, errno: error)
            }
            let spawned = pid
            self.child.withLock { $0.pid = spawned }
            // Reaps the child once it exits; the status stays for `status`.
            Thread { [self] in
                var status: Int32 = 0
                while waitpid(spawned, &status, 0) == -1, errno == EINTR {}
                self.child.withLock { $0.exit = status }
            }.start()
            // One thread per pipe reads until its end: blocking reads see every byte, where a
            // readability handler can miss the last ones of a process that exits under load.
            self.out.read(FileHandle(fileDescriptor: output.read, closeOnDealloc: true))
            self.err.read(FileHandle(fileDescriptor: errors.read, closeOnDealloc: true))
            let stdinHandle = FileHandle(fileDescriptor: input.write, closeOnDealloc: true)
            if let text = self.input { try? stdinHandle.write(contentsOf: Data(text.utf8)) }
            try? stdinHandle.close()
        }

        /// A pipe whose ends are not inherited by other children spawned meanwhile.
        private static func makePipe() throws -> (read: Int32, write: Int32) {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw CLISpawnError(arguments: [], errno: errno) }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            return (ends[0], ends[1])
        }

        var isRunning: Bool { self.child.withLock { $0.pid != 0 && $0.exit == nil } }

        /// Waits (at most 10 s) until both pipes were read to their end: the last bytes of a
        /// process that just exited may still be in them.
        func drain() async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while !(self.out.ended && self.err.ended), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
        }

        /// The exit code, or the number of the signal that ended the process.
        var status: Int32 {
            let status = self.child.withLock { $0.exit } ?? 0
            return status & 0x7F == 0 ? (status >> 8) & 0xFF : status & 0x7F
        }
        var pid: Int32 { self.child.withLock { $0.pid } }
        var stdout: String { self.out.text }
        var stderr: String { self.err.text }

        func signal(_ signal: Int32) {
            self.child.withLock { child in
                // Under the lock: once reaped, the id may belong to another process.
                if child.pid != 0, child.exit == nil { kill(child.pid, signal) }
            }
        }

        /// Waits until the process has exited.
        func waitForExit(timeout: Duration = .seconds(30)) async throws {
            let deadline = ContinuousClock.now + timeout
            while self.isRunning {
                guard ContinuousClock.now < deadline else { throw CLITimeout(arguments: self.arguments) }
                try await Task.sleep(for: .milliseconds(10))
            }
        }

        /// Waits until stdout contains `text`, or the process exits.
        func waitForOutput(_ text: String, timeout: Duration = .seconds(120)) async throws {
            let deadline = ContinuousClock.now + timeout
            while !self.stdout.contains(text) {
                guard self.isRunning, ContinuousClock.now < deadline else {
                    throw CLITimeout(arguments: self.arguments + ["waiting for: \(text)", self.stderr])
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }
}

/// The CLI could not be started.
struct CLISpawnError: Error, CustomStringConvertible {
    var arguments: [String]
    var errno: Int32
    var description: String {
        "atsbridge \(self.arguments.joined(separator: " ")) could not start: errno \(self.errno)"
    }
}

/// Output collected from a pipe, until its end.
final class OutputBuffer: Sendable {
    private let data = Mutex((bytes: Data(), ended: false))

    /// Reads the pipe on a thread of its own until its end (an empty read).
    func read(_ handle: FileHandle) {
        let thread = Thread {
            while true {
                let more = handle.availableData
                self.data.withLock {
                    $0.bytes.append(more)
                    if more.isEmpty { $0.ended = true }
                }
                if more.isEmpty { return }
            }
        }
        thread.start()
    }

    var ended: Bool { self.data.withLock { $0.ended } }

    var text: String { String(decoding: self.data.withLock { $0.bytes }, as: UTF8.self) }
}

struct CLITimeout: Error, CustomStringConvertible {
    var arguments: [String]
    var description: String { "atsbridge \(self.arguments.joined(separator: " ")) timed out" }
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
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID())").path
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

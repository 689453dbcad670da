import CATSBridgeSystem
public import Foundation
import Synchronization

/// A process started for a test, its output collected as it comes.
///
/// Spawned with `atsb_spawn` (every descriptor but its standard three closed, no signal blocked),
/// not Foundation's `Process`: on Linux, `Process.run()` lists /proc/self/fd with an
/// over-reading copy that crashes the test process now and then
/// (swift-corelibs-foundation#5472), and the tests start hundreds of processes.
public final class ChildProcess: Sendable {
    /// The executable and its arguments, for messages.
    public let arguments: [String]
    private let executable: String
    private let environment: [String]
    private let out = OutputBuffer()
    private let err = OutputBuffer()
    private let input: Data?
    /// The child's id once started, and its wait status once it exited.
    private let child = Mutex<(pid: Int32, exit: Int32?)>((0, nil))

    /// A process of `executable` (an absolute path) with exactly `environment`, given `stdin`
    /// (then end of file) on its standard input.
    public init(executable: String, arguments: [String], environment: [String: String], stdin: Data? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment.map { "\($0.key)=\($0.value)" }
        self.input = stdin
    }

    /// Runs `executable` to its end (at most `timeout`, then it is killed) in this process's
    /// environment unless one is given.
    public static func run(
        _ executable: String,
        _ arguments: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        stdin: Data? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> ChildProcess {
        let process = ChildProcess(executable: executable, arguments: arguments, environment: environment, stdin: stdin)
        try await process.runToEnd(timeout: timeout)
        return process
    }

    /// Starts the process and waits for its end and all of its output (at most `timeout`, then
    /// it is killed).
    public func runToEnd(timeout: Duration) async throws {
        try self.start()
        do {
            try await self.waitForExit(timeout: timeout)
        } catch {
            self.signal(SIGKILL)
            throw error
        }
        try await self.drain()
    }

    /// Starts the process.
    public func start() throws {
        _ = Self.ignoringBrokenPipes
        let input = try Self.makePipe()
        let output: (read: Int32, write: Int32)
        let errors: (read: Int32, write: Int32)
        do {
            output = try Self.makePipe()
            do {
                errors = try Self.makePipe()
            } catch {
                for descriptor in [output.read, output.write] { close(descriptor) }
                throw error
            }
        } catch {
            for descriptor in [input.read, input.write] { close(descriptor) }
            throw error
        }
        let argv = ([self.executable] + self.arguments).map { strdup($0) } + [nil]
        let envp = self.environment.map { strdup($0) } + [nil]
        defer { for string in argv + envp { free(string) } }
        var pid: Int32 = 0
        let error = atsb_spawn(self.executable, argv, envp, input.read, output.write, errors.write, &pid)
        for descriptor in [input.read, output.write, errors.write] { close(descriptor) }
        guard error == 0 else {
            for descriptor in [input.write, output.read, errors.read] { close(descriptor) }
            throw Failure(description: "\(self.executable) could not start: errno \(error)")
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
        if let data = self.input { try? stdinHandle.write(contentsOf: data) }
        try? stdinHandle.close()
    }

    /// A pipe whose ends are not inherited by other children spawned meanwhile.
    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        let error = atsb_pipe(&ends)
        guard error == 0 else { throw Failure(description: "pipe failed: errno \(error)") }
        return (ends[0], ends[1])
    }

    /// Writing to a child that already exited fails with EPIPE instead of killing the tests
    /// (children start with every signal at its default action).
    private static let ignoringBrokenPipes: Void = {
        _ = Foundation.signal(SIGPIPE, SIG_IGN)
    }()

    /// Whether the process was started and has not exited.
    public var isRunning: Bool { self.child.withLock { $0.pid != 0 && $0.exit == nil } }

    /// Waits (at most 10 s) until both pipes were read to their end: the last bytes of a
    /// process that just exited may still be in them.
    public func drain() async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !(self.out.ended && self.err.ended), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// The exit code, or the number of the signal that ended the process.
    public var status: Int32 {
        let status = self.child.withLock { $0.exit } ?? 0
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : status & 0x7F
    }

    /// Whether a signal ended the process.
    public var endedBySignal: Bool { (self.child.withLock { $0.exit } ?? 0) & 0x7F != 0 }

    /// The process id (0 before it started).
    public var pid: Int32 { self.child.withLock { $0.pid } }
    /// Standard output so far.
    public var stdout: String { self.out.text }
    /// Standard output so far, as bytes.
    public var stdoutData: Data { self.out.bytes }
    /// Standard error so far.
    public var stderr: String { self.err.text }

    /// Sends `signal` unless the process already exited.
    public func signal(_ signal: Int32) {
        self.child.withLock { child in
            if child.pid != 0, child.exit == nil { kill(child.pid, signal) }
        }
    }

    /// Waits until the process has exited.
    public func waitForExit(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while self.isRunning {
            guard ContinuousClock.now < deadline else { throw Timeout(arguments: self.arguments) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits until stdout contains `text`, or the process exits.
    public func waitForOutput(_ text: String, timeout: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !self.stdout.contains(text) {
            guard self.isRunning, ContinuousClock.now < deadline else {
                throw Timeout(arguments: self.arguments + ["waiting for: \(text)", self.stderr])
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The process did not get there in time.
    public struct Timeout: Error, CustomStringConvertible {
        /// The arguments, and what was waited for.
        public var arguments: [String]
        /// A timeout of `arguments`.
        public init(arguments: [String]) {
            self.arguments = arguments
        }
        /// What timed out.
        public var description: String { "atsbridge \(self.arguments.joined(separator: " ")) timed out" }
    }

    /// The process could not be started.
    public struct Failure: Error, CustomStringConvertible {
        /// Why.
        public var description: String
    }
}

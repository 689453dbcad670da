import Foundation

/// Prints `PORT <n>` for the driver that spawned this server.
func announce(port: Int) {
    FileHandle.standardOutput.write(Data("PORT \(port)\n".utf8))
    FileHandle.standardOutput.synchronizeFile()
}

/// A failure of the benchmark itself.
struct PeerError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}

/// A server in a child process, with the port it announced. `Process` is used from one task.
final class Child: @unchecked Sendable {
    let process: Process
    let port: Int

    /// Starts `executable` with `environment` added to this process's, and waits for a line
    /// that `portIn` finds a port in.
    init(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        portIn: @Sendable (Substring) -> Int?
    ) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var buffered = ""
        var port: Int?
        while port == nil {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else { throw PeerError("\(executable) \(arguments.first ?? "") exited early") }
            buffered += String(decoding: data, as: UTF8.self)
            port = buffered.split(separator: "\n").lazy.compactMap(portIn).first
        }
        self.process = process
        self.port = port!
    }

    /// The child's peak resident set size (VmHWM), read before it is stopped.
    var peakResident: Int {
        let status =
            (try? String(contentsOfFile: "/proc/\(self.process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (line.split(separator: " ").compactMap { Int($0) }.first ?? 0) * 1024
    }

    /// Seconds of CPU the child has used so far (user and system time, from `/proc/PID/stat`).
    /// The kernel counts it in clock ticks of 10 ms: over a stream of 200,000 candidates, 0.05 µs
    /// per candidate.
    func cpuSeconds() throws -> Double {
        let path = "/proc/\(self.process.processIdentifier)/stat"
        let stat = try String(contentsOfFile: path, encoding: .utf8)
        // The command name in parentheses may hold spaces: the fields count from after it.
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
        guard let close = stat.lastIndex(of: ")"),
            case let fields = stat[stat.index(after: close)...].split(separator: " "),
            fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12])
        else { throw PeerError("\(path) does not hold utime and stime where expected") }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Stops the child and waits for it.
    func stop() {
        self.process.terminate()
        self.process.waitUntilExit()
    }
}

import Foundation

/// A database of the benchmark's own on the given server, made and dropped with `psql`.
struct BenchDatabase {
    let serverURL: String
    let url: String
    private let name: String

    init(serverURL: String) throws {
        self.serverURL = serverURL
        self.name = "atsbridge_bench_\(ProcessInfo.processInfo.processIdentifier)"
        guard var components = URLComponents(string: serverURL) else { fatalError("BENCH_POSTGRES_URL is no URL") }
        components.path = "/" + self.name
        self.url = components.string ?? ""
        try Self.psql(serverURL, "DROP DATABASE IF EXISTS \(self.name)")
        try Self.psql(serverURL, "CREATE DATABASE \(self.name)")
    }

    func drop() {
        try? Self.psql(self.serverURL, "DROP DATABASE IF EXISTS \(self.name) WITH (FORCE)")
    }

    /// Size of the database on disk (`pg_database_size`), in bytes.
    func size() throws -> Int {
        Int(try Self.psql(self.url, "SELECT pg_database_size(current_database())")) ?? 0
    }

    @discardableResult
    static func psql(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchFailure("psql failed: \(sql)") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The machine and its load, for the record.
func machineSummary() -> String {
    let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
        .first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces)
    return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu ?? "?"), "
        + "\(ProcessInfo.processInfo.physicalMemory >> 30) GiB, \(loadAverage())"
}

/// `load average: 1m 5m 15m`.
func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "? ? ?"
    return "load average " + text.split(separator: " ").prefix(3).joined(separator: " ")
}

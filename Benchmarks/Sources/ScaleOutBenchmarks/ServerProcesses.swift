import Foundation

/// `atsbridge serve` processes on a store, and `atsbridge export` against them.
struct ServerProcesses {
    static let apiKey = "scale-bench-key-0123456789"

    let binary: String

    struct Server {
        let process: Process
        let port: Int
    }

    /// Starts a server on `store` (in ATSBRIDGE_STORE) and waits for its banner. The per-key
    /// rate limit is off: every client uses one key.
    func start(store: String, instance: String) throws -> Server {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.binary)
        process.arguments = [
            "serve", "--listen", "127.0.0.1:0", "--metrics-listen", "off", "--api-key",
            "bench:read:\(Self.apiKey)", "--credential-key", Ingest.credentialKey, "--log-level", "error",
        ]
        process.environment = [
            "ATSBRIDGE_STORE": store, "ATSBRIDGE_SYNC_INSTANCE_ID": instance,
            "ATSBRIDGE_KEY_REQUESTS_PER_SECOND": "0", "PATH": "/usr/bin:/bin",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var banner = ""
        while !banner.contains("listening on") {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else { throw BenchFailure("atsbridge serve (\(instance)) exited early") }
            banner += String(decoding: data, as: UTF8.self)
        }
        let address = banner.split(separator: " ").first { $0.contains("127.0.0.1:") } ?? ""
        let port = Int(address.split(separator: ":").last?.prefix { $0.isNumber } ?? "") ?? 0
        return Server(process: process, port: port)
    }

    func stop(_ server: Server) {
        server.process.terminate()
        server.process.waitUntilExit()
    }

    /// `atsbridge export candidates` to `path`; its wall time in seconds.
    func export(from server: Server, format: String, to path: String) throws -> Double {
        let client = Process()
        client.executableURL = URL(fileURLWithPath: self.binary)
        client.arguments = ["export", "candidates", "--out", path, "--format", format]
        client.environment = [
            "ATSBRIDGE_SERVER": "127.0.0.1:\(server.port)", "ATSBRIDGE_API_KEY": Self.apiKey,
            "ATSBRIDGE_INTEGRATION": Ingest.integrationID,
        ]
        client.standardError = FileHandle.nullDevice
        let started = ContinuousClock.now
        try client.run()
        client.waitUntilExit()
        let seconds = (ContinuousClock.now - started).seconds
        guard client.terminationStatus == 0 else { throw BenchFailure("export exited \(client.terminationStatus)") }
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: path + ".resume")
        return seconds
    }
}

/// A measurement that could not be made.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import ATSBridgeTestSupport
import BenchmarkSupport
import Foundation

// `atsbridge export candidates` for 1 M candidates, NDJSON and protobuf: a real `atsbridge serve`
// process on a SQLite store of 1 M realistic candidates (SampleRecords: 2 emails, a phone, a
// location, `remote_data`), and the CLI as a second process, over loopback. Records/s is the
// CLI's wall time; peak memory is the server's VmHWM and the CLI's max RSS (GNU time).
//
//   swift build -c release --product atsbridge && swift run -c release ExportBenchmarks

let count = Int(ProcessInfo.processInfo.environment["EXPORT_CANDIDATES"] ?? "") ?? 1_000_000
let directory = "/tmp/atsbridge-export-bench"
let storePath = "\(directory)/store-\(count).sqlite"
// The `atsbridge` built beside this benchmark (from the ATSBridge dependency).
let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
    "atsbridge"
).path
guard FileManager.default.isExecutableFile(atPath: binary) else {
    fatalError("build the server beside it first: cd Benchmarks && swift build -c release --product atsbridge")
}
let integrationID = "bench"
let apiKey = "export-bench-key-0123456789"
let credentialKey = String(repeating: "ab", count: 32)

// 1. The store, built once and reused.
if !FileManager.default.fileExists(atPath: storePath + ".ready") {
    try? FileManager.default.removeItem(atPath: storePath)
    let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: storePath))
    let started = ContinuousClock.now
    for batch in stride(from: 0, to: count, by: 5_000) {
        let candidates = (batch..<min(count, batch + 5_000)).map { index in
            var candidate = SampleRecords.candidate(index: index)
            candidate.id = RecordID.make(integrationID: integrationID, model: .candidate, remoteID: "\(index)")
            candidate.remoteID = "\(index)"
            candidate.applications = []
            candidate.tags = []
            return candidate
        }
        _ = try await store.upsert(.candidates(candidates), integrationID: integrationID, at: 1_000)
    }
    try await store.saveIntegration(
        StoredIntegration(
            integration: Integration(id: integrationID, status: .inactive, setupStatus: .completed),
            encryptedCredentials: try CredentialVault(encodedKey: credentialKey).seal(
                password: "unused",
                integrationID: integrationID
            )
        )
    )
    await store.close()
    _ = FileManager.default.createFile(atPath: storePath + ".ready", contents: Data())
    print("built a store of \(count) candidates in \(ContinuousClock.now - started)")
}

// 2. The server.
let server = Process()
server.executableURL = URL(fileURLWithPath: binary)
server.arguments = [
    "serve", "--store", "sqlite:\(storePath)", "--listen", "127.0.0.1:0", "--metrics-listen", "off",
    "--api-key", "bench:read:\(apiKey)", "--credential-key", credentialKey, "--log-level", "error",
]
let serverOut = Pipe()
server.standardOutput = serverOut
try server.run()
var banner = ""
while !banner.contains("listening on") {
    let data = serverOut.fileHandleForReading.availableData
    // End of file: the server exited (its error is on stderr) and would never listen.
    guard !data.isEmpty else { fatalError("the server exited before listening: \(banner)") }
    banner += String(decoding: data, as: UTF8.self)
}
let address = String(banner.split(whereSeparator: \.isWhitespace).first { $0.contains("127.0.0.1:") } ?? "")
    .trimmingCharacters(in: .whitespacesAndNewlines)

func serverPeakRSS() -> String {
    let status = (try? String(contentsOfFile: "/proc/\(server.processIdentifier)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? "VmHWM: ? kB"
    let kb = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    return megabytes(kb * 1024)
}

// 3. The exports, each twice; the second of each is reported.
for format in ["protobuf", "ndjson", "protobuf", "ndjson"] {
    let out = "\(directory)/candidates.\(format)"
    let client = Process()
    client.executableURL = URL(fileURLWithPath: "/usr/bin/time")
    client.arguments = ["-f", "%M", binary, "export", "candidates", "--out", out, "--format", format]
    client.environment = [
        "ATSBRIDGE_SERVER": address, "ATSBRIDGE_API_KEY": apiKey, "ATSBRIDGE_INTEGRATION": integrationID,
    ]
    let errors = Pipe()
    client.standardError = errors
    let started = ContinuousClock.now
    try client.run()
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    client.waitUntilExit()
    let elapsed = ContinuousClock.now - started
    guard client.terminationStatus == 0 else {
        print("export \(format) failed (exit \(client.terminationStatus)): \(stderr)")
        server.terminate()
        exit(1)
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let clientKB = Int(stderr.split(separator: "\n").last ?? "") ?? 0
    let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
    print(
        String(
            format: "%@: %d candidates in %.2f s = %@ records/s, %@ written; peak RSS client %@, server %@",
            format,
            count,
            seconds,
            formatRate(Double(count) / seconds),
            megabytes(size),
            megabytes(clientKB * 1024),
            serverPeakRSS()
        )
    )
    try? FileManager.default.removeItem(atPath: out)
}
server.terminate()
server.waitUntilExit()

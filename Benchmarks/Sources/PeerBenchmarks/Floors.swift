import Foundation

/// What the parts ATSBridge is built from cost per nested candidate on their own, in C
/// (`Benchmarks/floors/floors.c`, built by `Benchmarks/floors.sh`), measured in the same round as
/// the streams: SQLite's page scan, TCP over loopback (both sides), protobuf-c's unpack, and
/// `malloc`/`free` of the heap blocks a Swift value of each candidate owns. Their sum is the CPU
/// per candidate that no design on these parts goes below.
struct Floors: Sendable {
    /// Nanoseconds of CPU per candidate.
    var scan = 0.0
    var tcp = 0.0
    var unpack = 0.0
    var heap = 0.0
    /// Heap blocks a decoded candidate owns.
    var blocks = 0.0

    /// Microseconds of CPU per candidate, all four together.
    var totalMicros: Double { (self.scan + self.tcp + self.unpack + self.heap) / 1000 }

    /// Runs `binary all STORE INTEGRATION DUMP` and reads its last line, off the cooperative pool.
    static func measure(binary: String, dataset: Dataset) async throws -> Floors {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["all", dataset.storePath, Dataset.integrationID, dataset.recordsPath]
        let output = Pipe()
        process.standardOutput = output
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard status == 0, let last = text.split(separator: "\n").last, last.hasPrefix("floors ") else {
            throw PeerError("\(binary) failed (status \(status)): \(text.suffix(300))")
        }
        var values: [String: Double] = [:]
        for field in last.dropFirst("floors ".count).split(separator: " ") {
            let parts = field.split(separator: "=")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        guard let scan = values["scan"], let tcp = values["tcp"], let unpack = values["unpack"],
            let heap = values["heap"], let blocks = values["blocks"]
        else { throw PeerError("unexpected floors line: \(last)") }
        return Floors(scan: scan, tcp: tcp, unpack: unpack, heap: heap, blocks: blocks)
    }
}

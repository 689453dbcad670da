import Dispatch
import Foundation

/// What the parts ATSBridge is built from cost per nested candidate as ATSBridge uses them,
/// each alone in C (`Benchmarks/floors/floors.c`, built by `Benchmarks/floors.sh`), measured in
/// the same round as the streams: SQLite's page scan, TCP over loopback (both sides), protobuf-c's
/// unpack, and `malloc`/`free` of the heap blocks a Swift value of each candidate owns.
struct Floors: Sendable {
    /// Nanoseconds of CPU per candidate.
    var scan = 0.0
    var tcp = 0.0
    var unpack = 0.0
    /// The heap blocks allocated and freed on one thread.
    var heap = 0.0
    /// The same, each block freed by another thread (as a page decoded ahead is dropped).
    var heapCrossThread = 0.0
    /// Heap blocks a decoded candidate owns.
    var blocks = 0.0

    /// Microseconds of CPU per candidate, the four parts together (the heap on one thread).
    var totalMicros: Double { (self.scan + self.tcp + self.unpack + self.heap) / 1000 }

    /// Runs `binary all STORE INTEGRATION DUMP` on a dispatch thread (the child runs for
    /// seconds) and reads its last line.
    static func measure(binary: String, dataset: Dataset) async throws -> Floors {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.run(binary: binary, dataset: dataset) })
            }
        }
    }

    private static func run(binary: String, dataset: Dataset) throws -> Floors {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["all", dataset.storePath, Dataset.integrationID, dataset.recordsPath]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Read to the end first: a child blocked on a full pipe would never exit.
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let status = process.terminationStatus
        guard status == 0, let last = text.split(separator: "\n").last, last.hasPrefix("floors ") else {
            throw PeerError("\(binary) failed (status \(status)): \(text.suffix(300))")
        }
        var values: [String: Double] = [:]
        for field in last.dropFirst("floors ".count).split(separator: " ") {
            let parts = field.split(separator: "=")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        guard let scan = values["scan"], let tcp = values["tcp"], let unpack = values["unpack"],
            let heap = values["heap"], let heapCrossThread = values["heap_cross"], let blocks = values["blocks"]
        else { throw PeerError("unexpected floors line: \(last)") }
        return Floors(
            scan: scan,
            tcp: tcp,
            unpack: unpack,
            heap: heap,
            heapCrossThread: heapCrossThread,
            blocks: blocks
        )
    }
}

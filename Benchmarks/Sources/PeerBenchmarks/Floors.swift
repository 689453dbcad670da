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

    /// Runs `binary all STORE INTEGRATION DUMP` (for seconds) and reads its last line.
    static func measure(binary: String, dataset: Dataset) async throws -> Floors {
        let values = try await FloorsProgram.run(
            binary: binary,
            arguments: ["all", dataset.storePath, Dataset.integrationID, dataset.recordsPath]
        )
        guard let scan = values["scan"], let tcp = values["tcp"], let unpack = values["unpack"],
            let heap = values["heap"], let heapCrossThread = values["heap_cross"], let blocks = values["blocks"]
        else { throw PeerError("unexpected floors line: \(values)") }
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

/// What a sequential unary call waits for on this machine with no code of its own: the p50 wall
/// time of a 16-byte round trip over loopback (`floors rtt`), measured right after ATSBridge's
/// pings. On a VM, waking a thread whose core is idle costs more than a Ping's work, and it
/// moves with the host's load.
struct RoundTripFloors: Sendable {
    /// Microseconds: a caller that writes and blocks in `read`, a responder that answers on the
    /// thread that read (two wake-ups per round trip).
    var direct = 0.0
    /// Microseconds: the same through an event loop's hand-offs, as a Swift client on NIO makes
    /// them (four wake-ups).
    var handoff = 0.0

    static func measure(binary: String) async throws -> RoundTripFloors {
        let values = try await FloorsProgram.run(binary: binary, arguments: ["rtt"])
        guard let direct = values["rtt"], let handoff = values["rtt_handoff"] else {
            throw PeerError("unexpected floors line: \(values)")
        }
        return RoundTripFloors(direct: direct, handoff: handoff)
    }
}

/// The floors program, run on a dispatch thread (the child runs for seconds); its last line is
/// `floors NAME=VALUE …`.
enum FloorsProgram {
    static func run(binary: String, arguments: [String]) async throws -> [String: Double] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.runBlocking(binary: binary, arguments: arguments) })
            }
        }
    }

    private static func runBlocking(binary: String, arguments: [String]) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
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
        return values
    }
}

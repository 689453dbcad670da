import BenchmarkSupport

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

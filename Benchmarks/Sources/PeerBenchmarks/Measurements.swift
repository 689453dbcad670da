import BenchmarkSupport
import Foundation
import Histogram

/// A streamed export: its rate, and the CPU it took on each side.
struct StreamRun: Sendable {
    /// Candidates per second.
    var rate = 0.0
    /// CPU microseconds per candidate in this process (the client; all its threads).
    var clientMicros = 0.0
    /// CPU microseconds per candidate in the server's process.
    var serverMicros = 0.0

    /// Client and server CPU microseconds per candidate.
    var totalMicros: Double { self.clientMicros + self.serverMicros }

    /// Cores that client and server kept busy together on average (2 is all of this machine):
    /// the rate ratio of two streams follows their CPU ratio only as far as both use the cores alike.
    var coresBusy: Double { self.rate * self.totalMicros / 1e6 }

    /// The CPU per candidate as a table cell: "client + server = total µs".
    var cpuText: String {
        String(format: "%.2f + %.2f = %.2f µs", self.clientMicros, self.serverMicros, self.totalMicros)
    }
}

/// Times a streamed export of `count` candidates from `server`, with both sides' CPU time: on a
/// shared machine CPU per record moves far less with the neighbours' load than the wall time.
func timeStream(expect count: Int, server: Child, _ body: () async throws -> Int) async throws -> StreamRun {
    let clock = ContinuousClock()
    let (start, clientCPU, serverCPU) = (clock.now, processCPUSeconds(), try server.cpuSeconds())
    let received = try await body()
    let elapsed = seconds(clock.now - start)
    guard received == count else { throw PeerError("received \(received) of \(count) candidates") }
    return StreamRun(
        rate: Double(count) / elapsed,
        clientMicros: (processCPUSeconds() - clientCPU) * 1e6 / Double(count),
        serverMicros: (try server.cpuSeconds() - serverCPU) * 1e6 / Double(count)
    )
}

/// Unary latency and throughput of `calls` calls, `inFlight` at a time.
struct Latency: Sendable {
    var p50: Double
    var p99: Double
    var callsPerSecond: Double

    static func measure(
        calls: Int,
        inFlight: Int,
        _ call: @escaping @Sendable () async throws -> Void
    ) async throws -> Latency {
        let clock = ContinuousClock()
        let start = clock.now
        let histogram = try await withThrowingTaskGroup(of: Histogram<UInt64>.self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    var histogram = Histogram<UInt64>(highestTrackableValue: 10_000_000_000)
                    for _ in 0..<calls / inFlight {
                        let begin = clock.now
                        try await call()
                        _ = histogram.record(nanoseconds(clock.now - begin))
                    }
                    return histogram
                }
            }
            var merged = Histogram<UInt64>(highestTrackableValue: 10_000_000_000)
            for try await partial in group { merged.add(partial) }
            return merged
        }
        let elapsed = seconds(clock.now - start)
        return Latency(
            p50: Double(histogram.valueAtPercentile(50)) / 1000,
            p99: Double(histogram.valueAtPercentile(99)) / 1000,
            callsPerSecond: Double(calls / inFlight * inFlight) / elapsed
        )
    }
}

/// One round of A (ATSBridge), B (grpc-swift-2), C (JSON paging).
struct Round: Sendable {
    var atsbridgeStream = StreamRun()
    /// The same stream decoded on the consumer's task alone (no read-ahead), for comparison.
    var atsbridgeOneCore = StreamRun()
    var atsbridgeSequential = Latency(p50: 0, p99: 0, callsPerSecond: 0)
    /// The same calls made on the connection's thread (`RPCClient.withCallsOnConnectionThread`).
    var atsbridgeOnConnectionThread = Latency(p50: 0, p99: 0, callsPerSecond: 0)
    var atsbridgeConcurrent = Latency(p50: 0, p99: 0, callsPerSecond: 0)
    var grpcStream = StreamRun()
    var grpcSequential = Latency(p50: 0, p99: 0, callsPerSecond: 0)
    var grpcConcurrent = Latency(p50: 0, p99: 0, callsPerSecond: 0)
    var jsonStream = StreamRun()
    /// D: the parts' own costs, when the floors program is given.
    var floors: Floors?
    /// D: a bare round trip's wait, right after ATSBridge's pings, when the floors program is given.
    var roundTrip: RoundTripFloors?
    /// The 1-minute load average after the round.
    var load = ""
}

/// The 1-, 5- and 15-minute load averages.
func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

/// The median of `values`.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

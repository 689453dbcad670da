import ATSBridgeClient
import ATSBridgeProto
import AsyncHTTPClient
import BenchmarkSupport
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// Starts the three servers, runs the rounds and prints the table.
struct Driver: Sendable {
    let options: Options
    let apiKey = "peer-bench-key-0123456789"

    func run() async throws {
        let options = self.options
        // Before the dataset and the servers: a wrong path would otherwise fail after a round.
        if let floors = options.floors, !FileManager.default.isExecutableFile(atPath: floors) {
            throw PeerError("--floors \(floors) is not an executable: build it with Benchmarks/floors.sh")
        }
        let dataset = try await Dataset.prepare(count: options.candidates)
        let records = try Dataset.load(recordsPath: dataset.recordsPath)
        let meanBytes = Double(records.reduce(0) { $0 + $1.count }) / Double(records.count)
        let sample = try Candidate(decoding: records[records.count / 2])
        let jsonBytes = try JSONEncoder().encode(UnifiedCandidate(sample)).count
        print(
            "\(records.count) candidates, \(String(format: "%.0f", meanBytes)) bytes each in protobuf "
                + "(\(sample.applications.count) applications, \(sample.tags.count) tags), \(jsonBytes) bytes in JSON"
        )

        let here = URL(fileURLWithPath: CommandLine.arguments[0])
        let binary = here.deletingLastPathComponent().appendingPathComponent("atsbridge").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw PeerError(
                "build the server beside it first: cd Benchmarks && swift build -c release --product atsbridge"
            )
        }
        let atsbridge = try Child(
            binary,
            [
                "serve", "--store", "sqlite:\(dataset.storePath)", "--listen", "127.0.0.1:0", "--metrics-listen", "off",
                "--api-key", "bench:read:\(self.apiKey)", "--credential-key", Dataset.credentialKey,
                "--log-level", "error",
            ]
        ) { line in
            guard let range = line.range(of: "listening on ") else { return nil }
            return line[range.upperBound...].split(separator: " ").first?.split(separator: ":").last.flatMap { Int($0) }
        }
        defer { atsbridge.stop() }
        let client = RPCClient(
            configuration: RPCClientConfiguration(
                port: atsbridge.port,
                apiKey: self.apiKey,
                integrationID: Dataset.integrationID
            )
        )
        if let depths = options.readAheadSweep {
            try await Self.sweepReadAhead(depths, options: options, client: client, server: atsbridge)
            await client.close()
            return
        }

        // The peers' servers get the glibc heap settings `atsbridge serve` makes for itself.
        let heap = ["MALLOC_TRIM_THRESHOLD_": "\(4 << 20)", "MALLOC_MMAP_THRESHOLD_": "\(2 << 20)"]
        let grpcServer = try Child(here.path, ["serve-grpc", dataset.recordsPath], environment: heap) { line in
            line.hasPrefix("PORT ") ? Int(line.dropFirst(5)) : nil
        }
        let jsonServer = try Child(here.path, ["serve-json", dataset.recordsPath], environment: heap) { line in
            line.hasPrefix("PORT ") ? Int(line.dropFirst(5)) : nil
        }
        defer { for child in [grpcServer, jsonServer] { child.stop() } }

        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let rounds = try await GRPCPeer.withClient(port: grpcServer.port) { grpc in
            try await Self.rounds(
                options: options,
                dataset: dataset,
                servers: Servers(atsbridge: atsbridge, grpc: grpcServer, json: jsonServer),
                client: client,
                grpc: grpc,
                http: http
            )
        }
        await client.close()
        try await http.shutdown()
        Self.report(options: options, rounds: rounds)
        print(
            "peak RSS: ATSBridge server \(megabytes(atsbridge.peakResident)), grpc-swift-2 server "
                + "\(megabytes(grpcServer.peakResident)), JSON server \(megabytes(jsonServer.peakResident)), "
                + "client (all three) \(megabytes(peakResidentBytes()))"
        )
    }

    /// Streams every candidate into typed values; `readAhead` 0 decodes on the consuming task
    /// alone, `nil` uses the client's default (decoding ahead on the other core).
    static func atsbridgeStream(client: RPCClient, pageSize: Int, readAhead: Int? = nil) async throws -> Int {
        var count = 0
        var applications = 0
        let request = ListCandidatesRequest(page: PageRequest(pageSize: UInt32(pageSize), order: .storage))
        var stream = client.serverStreaming(AtsReadService.listCandidates, request)
        if let readAhead { stream = stream.readingAhead(readAhead) }
        for try await page in stream {
            count += page.items.count
            applications += page.items.last?.applications.count ?? 0
        }
        precondition(applications > 0, "the pages carry nested applications")
        return count
    }

    /// The three server processes.
    private struct Servers {
        let atsbridge: Child
        let grpc: Child
        let json: Child
    }

    private static func rounds(
        options: Options,
        dataset: Dataset,
        servers: Servers,
        client: RPCClient,
        grpc: GRPCClient<HTTP2ClientTransport.Posix>,
        http: HTTPClient
    ) async throws -> [Round] {
        let jsonPort = servers.json.port
        let count = options.candidates
        let concurrentCalls = options.pings * 10
        // Warm-up: a full pass and a few pings each, not reported.
        _ = try await atsbridgeStream(client: client, pageSize: options.streamPage)
        _ = try await GRPCPeer.stream(client: grpc, pageSize: options.streamPage)
        _ = try await JSONPeer.stream(client: http, port: jsonPort, pageSize: options.jsonPage)
        _ = try await Latency.measure(calls: 1_000, inFlight: 1) {
            _ = try await client.unary(HealthService.ping, PingRequest())
        }
        _ = try await Latency.measure(calls: 1_000, inFlight: 1) { try await GRPCPeer.ping(client: grpc) }

        var rounds: [Round] = []
        for number in 1...options.rounds {
            var round = Round()
            // A: ATSBridge.
            round.atsbridgeStream = try await timeStream(expect: count, server: servers.atsbridge) {
                try await atsbridgeStream(client: client, pageSize: options.streamPage)
            }
            round.atsbridgeOneCore = try await timeStream(expect: count, server: servers.atsbridge) {
                try await atsbridgeStream(client: client, pageSize: options.streamPage, readAhead: 0)
            }
            round.atsbridgeSequential = try await Latency.measure(calls: options.pings, inFlight: 1) {
                _ = try await client.unary(HealthService.ping, PingRequest())
            }
            round.atsbridgeOnConnectionThread = try await client.withCallsOnConnectionThread {
                try await Latency.measure(calls: options.pings, inFlight: 1) {
                    _ = try await client.unary(HealthService.ping, PingRequest())
                }
            }
            if let binary = options.floors {
                round.roundTrip = try await RoundTripFloors.measure(binary: binary)
            }
            round.atsbridgeConcurrent = try await Latency.measure(calls: concurrentCalls, inFlight: 64) {
                _ = try await client.unary(HealthService.ping, PingRequest())
            }
            // B: grpc-swift-2.
            round.grpcStream = try await timeStream(expect: count, server: servers.grpc) {
                try await GRPCPeer.stream(client: grpc, pageSize: options.streamPage)
            }
            round.grpcSequential = try await Latency.measure(calls: options.pings, inFlight: 1) {
                try await GRPCPeer.ping(client: grpc)
            }
            round.grpcConcurrent = try await Latency.measure(calls: concurrentCalls, inFlight: 64) {
                try await GRPCPeer.ping(client: grpc)
            }
            // C: JSON paging.
            round.jsonStream = try await timeStream(expect: count, server: servers.json) {
                try await JSONPeer.stream(client: http, port: jsonPort, pageSize: options.jsonPage)
            }
            // D: the floors, in the same minutes.
            if let binary = options.floors {
                round.floors = try await Floors.measure(binary: binary, dataset: dataset)
            }
            round.load = loadAverage()
            print("round \(number) done, load average \(round.load)")
            rounds.append(round)
        }
        return rounds
    }

    private static func report(options: Options, rounds: [Round]) {
        func rate(_ value: Double) -> String { formatRate(value) }
        func micros(_ latency: Latency) -> String { String(format: "%.0f / %.0f µs", latency.p50, latency.p99) }
        func ratio(_ value: Double) -> String { String(format: "%.2f×", value) }
        print(
            "\n\(options.candidates) candidates per export; streams in pages of \(options.streamPage), JSON in pages of "
                + "\(options.jsonPage); \(options.pings) sequential pings and \(options.pings * 10) with 64 in flight per round\n"
        )
        print(
            "| round | ATSBridge stream | ATSBridge, no read-ahead | grpc-swift-2 stream | JSON paging "
                + "| ATSBridge Ping p50 / p99 | grpc-swift-2 Ping p50 / p99 "
                + "| ATSBridge 64 in flight | grpc-swift-2 64 in flight | load average |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for (index, round) in rounds.enumerated() {
            print(
                "| \(index + 1) | \(rate(round.atsbridgeStream.rate)) | \(rate(round.atsbridgeOneCore.rate)) "
                    + "| \(rate(round.grpcStream.rate)) | \(rate(round.jsonStream.rate)) "
                    + "| \(micros(round.atsbridgeSequential)) | \(micros(round.grpcSequential)) "
                    + "| \(String(format: "%.0f", round.atsbridgeConcurrent.callsPerSecond)) calls/s "
                    + "| \(String(format: "%.0f", round.grpcConcurrent.callsPerSecond)) calls/s | \(round.load) |"
            )
        }
        Self.reportCPU(rounds: rounds)
        Self.reportFloors(rounds: rounds)
        let streamVsGRPC = rounds.map { $0.atsbridgeStream.rate / $0.grpcStream.rate }
        let streamVsJSON = rounds.map { $0.atsbridgeStream.rate / $0.jsonStream.rate }
        let readAheadGain = rounds.map { $0.atsbridgeStream.rate / $0.atsbridgeOneCore.rate }
        let sequentialP50 = rounds.map { $0.grpcSequential.p50 / $0.atsbridgeSequential.p50 }
        let sequentialRate = rounds.map { $0.atsbridgeSequential.callsPerSecond / $0.grpcSequential.callsPerSecond }
        let concurrentRate = rounds.map { $0.atsbridgeConcurrent.callsPerSecond / $0.grpcConcurrent.callsPerSecond }
        func line(_ name: String, _ values: [Double], target: Double?) {
            let range = "\(ratio(values.min() ?? 0))–\(ratio(values.max() ?? 0))"
            let verdict = target.map { median(values) >= $0 ? "≥ \(ratio($0)): met" : "≥ \(ratio($0)): not met" } ?? "—"
            print("| \(name) | \(ratio(median(values))) | \(range) | \(verdict) |")
        }
        print("\n| ratio (ATSBridge / peer) | median | per round | target |")
        print("| --- | --- | --- | --- |")
        line("typed streaming / grpc-swift-2", streamVsGRPC, target: 3)
        line("typed streaming / JSON paging", streamVsJSON, target: 20)
        line(
            "typed streaming, CPU per candidate (grpc / ATSBridge, client + server)",
            rounds.map { $0.grpcStream.totalMicros / $0.atsbridgeStream.totalMicros },
            target: nil
        )
        line("ATSBridge read-ahead / no read-ahead", readAheadGain, target: nil)
        line("unary sequential, p50 latency (grpc / ATSBridge)", sequentialP50, target: 5)
        line("unary sequential, calls/s", sequentialRate, target: nil)
        line("unary 64 in flight, calls/s", concurrentRate, target: nil)
    }

    /// CPU microseconds per streamed candidate on each side, which the machine's load moves
    /// less than the rates.
    private static func reportCPU(rounds: [Round]) {
        func cpu(_ run: StreamRun) -> String { run.cpuText + String(format: ", %.2f cores", run.coresBusy) }
        print("\nCPU per candidate (client + server), and the cores both kept busy (rate × CPU)\n")
        print("| round | ATSBridge stream | ATSBridge, no read-ahead | grpc-swift-2 stream | JSON paging |")
        print("| --- | --- | --- | --- | --- |")
        for (index, round) in rounds.enumerated() {
            print(
                "| \(index + 1) | \(cpu(round.atsbridgeStream)) | \(cpu(round.atsbridgeOneCore)) "
                    + "| \(cpu(round.grpcStream)) | \(cpu(round.jsonStream)) |"
            )
        }
    }

    /// The floors of each round against the streams of the same round: how far ATSBridge's CPU
    /// per candidate is above what its parts cost alone, and the most its parts would allow.
    private static func reportFloors(rounds: [Round]) {
        let measured = rounds.compactMap { round in round.floors.map { (round, $0) } }
        guard !measured.isEmpty else { return }
        func ns(_ value: Double) -> String { String(format: "%.0f", value) }
        print("\nFloors: the parts alone, in C, CPU ns per candidate (Benchmarks/floors.sh)\n")
        print(
            "| round | SQLite page scan | TCP, both sides | protobuf-c unpack "
                + "| malloc/free of the Swift value's blocks (freed by another thread) "
                + "| floors together | ATSBridge stream | ATSBridge / floors | 2 cores at the floors | grpc-swift-2 / floors |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for (index, (round, floors)) in measured.enumerated() {
            let total = floors.totalMicros
            print(
                "| \(index + 1) | \(ns(floors.scan)) | \(ns(floors.tcp)) | \(ns(floors.unpack)) "
                    + "| \(ns(floors.heap)) (\(ns(floors.heapCrossThread))), \(String(format: "%.1f", floors.blocks)) blocks "
                    + "| \(String(format: "%.2f µs", total)) | \(String(format: "%.2f µs", round.atsbridgeStream.totalMicros)) "
                    + "| \(String(format: "%.2f×", round.atsbridgeStream.totalMicros / total)) "
                    + "| \(formatRate(2e6 / total)) | \(String(format: "%.2f×", round.grpcStream.totalMicros / total)) |"
            )
        }
        let timed = rounds.compactMap { round in round.roundTrip.map { (round, $0) } }
        guard !timed.isEmpty else { return }
        print(
            "\nA sequential Ping against a bare loopback round trip in C right after it, p50 wall time (floors rtt)\n"
        )
        print(
            "| round | ATSBridge Ping p50 | on the connection's thread | round trip, direct (2 wake-ups) "
                + "| round trip through hand-offs (4 wake-ups) | ATSBridge / hand-offs | grpc-swift-2 Ping p50 |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for (index, (round, trip)) in timed.enumerated() {
            print(
                "| \(index + 1) | \(String(format: "%.0f µs", round.atsbridgeSequential.p50)) "
                    + "| \(String(format: "%.0f µs", round.atsbridgeOnConnectionThread.p50)) "
                    + "| \(String(format: "%.0f µs", trip.direct)) | \(String(format: "%.0f µs", trip.handoff)) "
                    + "| \(String(format: "%.2f×", round.atsbridgeSequential.p50 / trip.handoff)) "
                    + "| \(String(format: "%.0f µs", round.grpcSequential.p50)) |"
            )
        }
    }
}

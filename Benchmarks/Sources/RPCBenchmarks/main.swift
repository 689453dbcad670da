import ATSBridgeAPI
import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeTestSupport
import BenchmarkSupport
import Foundation
import Histogram
import Logging
import ServiceLifecycle

// RPC benchmarks over loopback, release build. The server runs in a child process, so that
// each side's peak memory is its own:
//
//   swift run -c release RPCBenchmarks               run everything (spawns the server)
//   swift run -c release RPCBenchmarks tls           streaming export over TLS vs plain TCP
//   RPCBenchmarks serve [CERT KEY]                   the server alone (TLS with CERT and KEY);
//                                                    prints "PORT <n>"
//
//   BENCH_CANDIDATES=1000000  candidates streamed
//   BENCH_PAGE=500            candidates per page message
//   BENCH_PINGS=20000         sequential pings (and 20× that with 64 in flight)

let environment = ProcessInfo.processInfo.environment
let totalCandidates = Int(environment["BENCH_CANDIDATES"] ?? "") ?? 1_000_000
let pageSize = Int(environment["BENCH_PAGE"] ?? "") ?? 500
let pings = Int(environment["BENCH_PINGS"] ?? "") ?? 20_000
let apiKey = "bench-key"

/// The server: health, and ListCandidates streaming one pre-encoded page over and over; TLS when
/// `tls` names a certificate and key.
func serve(tls: RPCServerTLS? = nil) async throws {
    LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
    let page = CandidatePage(items: (0..<pageSize).map { SampleRecords.candidate(index: $0) }, nextCursor: "c")
    let pageBytes = try page.encode()
    var router = RPCRouter()
    HealthService().register(in: &router)
    router.serverStreaming(AtsReadService.listCandidates, access: .readIntegration) { request, writer, _ in
        let total = Int(request.page?.pageSize ?? 0) * 1000
        var sent = 0
        while sent < total {
            try await writer.writeEncoded(pageBytes)
            sent += pageSize
        }
    }
    var configuration = RPCServerConfiguration()
    configuration.port = 0
    configuration.tls = tls
    // Measures the protocol, not the per-key rate limit.
    configuration.keyRequestsPerSecond = 0
    let server = RPCServer(
        configuration: configuration,
        router: router,
        authenticator: APIKeyAuthenticator(keys: [APIKey(name: "bench", plaintext: apiKey, access: .read)]),
        logger: Logger(label: "bench")
    )
    let group = ServiceGroup(
        configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm], logger: Logger(label: "bench"))
    )
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let port = try await server.listeningPort()
        FileHandle.standardOutput.write(Data("PORT \(port)\n".utf8))
        FileHandle.standardOutput.synchronizeFile()
        try await tasks.waitForAll()
    }
    FileHandle.standardOutput.write(Data("SERVER_PEAK_RSS \(peakResidentBytes())\n".utf8))
    FileHandle.standardOutput.synchronizeFile()
}

/// The same method, with responses read as `PingRequest`: decoding then copies only the last
/// item's bytes, which measures the transport without the typed decode.
let transportOnly = MethodDescriptor<ListCandidatesRequest, PingRequest>(
    service: "atsbridge.v1.AtsRead",
    method: "ListCandidates",
    kind: .serverStreaming
)

/// Streams `totalCandidates` without decoding candidates.
func exportTransportOnly(client: RPCClient) async throws -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    var pages = 0
    let request = ListCandidatesRequest(page: PageRequest(pageSize: UInt32(totalCandidates / 1000)))
    for try await _ in client.serverStreaming(transportOnly, request) { pages += 1 }
    precondition(pages * pageSize >= totalCandidates)
    let elapsed = clock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Streams `totalCandidates` and decodes them to typed values.
func export(client: RPCClient) async throws -> (seconds: Double, bytes: Int) {
    let clock = ContinuousClock()
    let start = clock.now
    var count = 0
    var bytes = 0
    // page_size carries "thousands of candidates" to the benchmark handler.
    let request = ListCandidatesRequest(page: PageRequest(pageSize: UInt32(totalCandidates / 1000)))
    for try await page in client.serverStreaming(AtsReadService.listCandidates, request) {
        count += page.items.count
        bytes += page.items.count * 744
    }
    precondition(count >= totalCandidates, "received \(count) candidates")
    let elapsed = clock.now - start
    return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, bytes)
}

func pingLatency(client: RPCClient, calls: Int, inFlight: Int) async throws -> (Histogram<UInt64>, Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let histogram = try await withThrowingTaskGroup(of: Histogram<UInt64>.self) { group in
        for _ in 0..<inFlight {
            group.addTask {
                var histogram = Histogram<UInt64>(highestTrackableValue: 10_000_000_000)
                for _ in 0..<calls / inFlight {
                    let begin = clock.now
                    _ = try await client.unary(HealthService.ping, PingRequest())
                    let took = clock.now - begin
                    _ = histogram.record(
                        UInt64(took.components.attoseconds / 1_000_000_000 + took.components.seconds * 1_000_000_000)
                    )
                }
                return histogram
            }
        }
        var merged = Histogram<UInt64>(highestTrackableValue: 10_000_000_000)
        for try await partial in group { merged.add(partial) }
        return merged
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (histogram, Double(calls) / seconds)
}

/// Starts `RPCBenchmarks serve <arguments>` as a child process and reads its port.
func spawnServer(_ arguments: [String] = []) throws -> (process: Process, port: Int, reader: FileHandle, output: String)
{
    let server = Process()
    server.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    server.arguments = ["serve"] + arguments
    let output = Pipe()
    server.standardOutput = output
    try server.run()
    let reader = output.fileHandleForReading
    var buffered = ""
    var port = 0
    while port == 0 {
        let data = reader.availableData
        guard !data.isEmpty else { fatalError("the server exited early") }
        buffered += String(decoding: data, as: UTF8.self)
        if let line = buffered.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }) {
            port = Int(line.dropFirst(5))!
        }
    }
    return (server, port, reader, buffered)
}

func runAll() async throws {
    let (server, port, reader, buffered) = try spawnServer()

    let client = RPCClient(configuration: RPCClientConfiguration(port: port, apiKey: apiKey, integrationID: "bench"))
    _ = try await client.unary(HealthService.ping, PingRequest())
    _ = try await export(client: client)  // warm-up
    var runs: [(seconds: Double, bytes: Int)] = []
    for _ in 0..<3 { runs.append(try await export(client: client)) }
    let best = runs.min { $0.seconds < $1.seconds }!
    let median = runs.sorted { $0.seconds < $1.seconds }[1]

    var transport: [Double] = []
    for _ in 0..<3 { transport.append(try await exportTransportOnly(client: client)) }
    let transportMedian = transport.sorted()[1]

    let (sequential, sequentialRate) = try await pingLatency(client: client, calls: pings, inFlight: 1)
    let (concurrent, concurrentRate) = try await pingLatency(client: client, calls: pings * 20, inFlight: 64)
    let clientPeak = peakResidentBytes()
    await client.close()

    server.terminate()
    server.waitUntilExit()
    let rest = String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
    let serverPeak =
        (buffered + rest).split(separator: "\n")
        .first { $0.hasPrefix("SERVER_PEAK_RSS ") }
        .flatMap { Int($0.dropFirst(16)) } ?? 0

    func micros(_ nanos: UInt64) -> String { String(format: "%.0f µs", Double(nanos) / 1000) }
    print("streaming export: \(totalCandidates) candidates in pages of \(pageSize), decoded to typed values (3 runs)")
    print(
        String(
            format: "  median %.2f s = %.0f candidates/s, %.0f MB/s; best %.0f candidates/s",
            median.seconds,
            Double(totalCandidates) / median.seconds,
            Double(median.bytes) / median.seconds / 1e6,
            Double(totalCandidates) / best.seconds
        )
    )
    print(
        String(
            format: "  transport only (no typed decode): median %.2f s = %.0f candidates/s, %.0f MB/s",
            transportMedian,
            Double(totalCandidates) / transportMedian,
            Double(totalCandidates * 744) / transportMedian / 1e6
        )
    )
    print("  peak RSS: server \(megabytes(serverPeak)), client \(megabytes(clientPeak))")
    print("unary Ping, one at a time (\(pings) calls): \(String(format: "%.0f", sequentialRate)) calls/s")
    print("  p50 \(micros(sequential.valueAtPercentile(50))), p99 \(micros(sequential.valueAtPercentile(99)))")
    print("unary Ping, 64 in flight (\(pings * 20) calls): \(String(format: "%.0f", concurrentRate)) calls/s")
    print("  p50 \(micros(concurrent.valueAtPercentile(50))), p99 \(micros(concurrent.valueAtPercentile(99)))")
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "serve" where arguments.count == 3:
    try await serve(tls: RPCServerTLS(certificatePath: arguments[1], privateKeyPath: arguments[2]))
case "serve":
    try await serve()
case "tls":
    try await compareTLS()
default:
    try await runAll()
}

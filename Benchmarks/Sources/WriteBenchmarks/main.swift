import ATSBridgeAPI
import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRECRU
import ATSBridgeRPC
import ATSBridgeSandbox
import ATSBridgeServer
import ATSBridgeStoreSQLite
import ATSBridgeSync
import BenchmarkSupport
import Foundation
import Logging
import ServiceLifecycle

// CreateApplication with a 200 KB CV against the sandbox over HTTP, through the RPC server and
// the Swift client over loopback, 1 and 16 in flight. Reports p50/p99 latency and writes/s, and
// ATSBridge's own share: the latency minus the time spent waiting for RECRU's answers
// (RECRUAdapter.writeRemoteTime: sandbox work and its HTTP transport).
//
//   swift run -c release WriteBenchmarks

var logger = Logger(label: "bench.write")
logger.logLevel = .error
let sandbox = RECRUSandbox(seed: 1, size: .medium)
let sandboxServer = SandboxHTTPServer(sandbox: sandbox, port: 0, logger: logger)
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("write-bench-\(UUID())")
let store = try await SQLiteStore(
    configuration: SQLiteStoreConfiguration(path: directory.appendingPathComponent("s.sqlite").path)
)
let vault = try CredentialVault(encodedKey: CredentialVault.generateKey())
var recruConfiguration = RECRUAdapterConfiguration()
recruConfiguration.sync.requestsPerSecond = 1_000_000
recruConfiguration.write.requestsPerSecond = 1_000_000
let recru = RECRUAdapter(configuration: recruConfiguration, logger: logger)
var syncConfiguration = SyncConfiguration()
syncConfiguration.schedulerTick = .seconds(3600)
let engine = SyncEngine(store: store, vault: vault, remote: recru, configuration: syncConfiguration, logger: logger)
let writes = WriteService(store: store, vault: vault, remote: recru)
var limits = DecodingLimits.default
limits.maxBytes = 16 << 20
var router = RPCRouter(requestLimits: limits)
writes.register(in: &router)
var serverConfiguration = RPCServerConfiguration()
serverConfiguration.port = 0
serverConfiguration.connection.maxMessageSize = 16 << 20
serverConfiguration.connection.maxFrameSize = (16 << 20) + (64 << 10)
let key = "write-bench-key-0123456789"
let server = RPCServer(
    configuration: serverConfiguration,
    router: router,
    authenticator: APIKeyAuthenticator(keys: [APIKey(name: "bench", plaintext: key, access: .write)]),
    logger: logger
)
let cv = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

let group = ServiceGroup(services: [sandboxServer, engine, server], logger: logger)
try await withThrowingTaskGroup(of: Void.self) { tasks in
    tasks.addTask { try await group.run() }
    let url = "http://127.0.0.1:\(try await sandboxServer.listeningPort())"
    try await store.saveIntegration(
        StoredIntegration(
            integration: Integration(id: "bench", tenantURL: url, login: "api@acme.example", status: .active),
            encryptedCredentials: try vault.seal(password: "sandbox", integrationID: "bench")
        )
    )
    _ = try await engine.waitUntilFinished(try await engine.trigger(integrationID: "bench", type: .full))
    var jobs: [String] = []
    var query = RecordQuery(integrationID: "bench", model: .job, pageSize: 1000)
    for bytes in try await store.page(query).records {
        let job = try Job(decoding: bytes)
        if job.status == .open { jobs.append(job.id) }
    }
    query.cursor = nil
    var clientConfiguration = RPCClientConfiguration(
        port: try await server.listeningPort(),
        apiKey: key,
        integrationID: "bench"
    )
    clientConfiguration.connection.maxMessageSize = 16 << 20
    clientConfiguration.connection.maxFrameSize = (16 << 20) + (64 << 10)
    let client = RPCClient(configuration: clientConfiguration)
    var serial = 0

    func request() -> CreateApplicationRequest {
        serial += 1
        return CreateApplicationRequest(
            jobID: jobs[serial % jobs.count],
            candidate: CandidateInput(
                firstName: "Bench",
                lastName: "Kandidát \(serial)",
                emailAddress: "bench\(serial)@example.sk",
                location: Location(city: "Košice", country: "SK")
            ),
            attachments: [
                AttachmentInput(name: "cv.pdf", type: .cv, contentType: "application/pdf", content: .data(cv))
            ]
        )
    }

    for (concurrency, total) in [(1, 20), (1, 300), (16, 20), (16, 800)] {
        let requests = (0..<total).map { _ in request() }
        let remoteBefore = recru.writeRemoteTime
        let started = ContinuousClock.now
        var latencies: [Duration] = []
        try await withThrowingTaskGroup(of: Duration.self) { calls in
            var next = 0
            func add() {
                let item = requests[next]
                next += 1
                calls.addTask {
                    let begin = ContinuousClock.now
                    _ = try await client.unary(AtsWriteService.createApplication, item)
                    return ContinuousClock.now - begin
                }
            }
            while next < min(concurrency, total) { add() }
            while let latency = try await calls.next() {
                latencies.append(latency)
                if next < total { add() }
            }
        }
        let wall = ContinuousClock.now - started
        guard total >= 100 else { continue }  // warm-up rounds
        latencies.sort()
        func ms(_ d: Duration) -> Double {
            Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        }
        let remote = recru.writeRemoteTime - remoteBefore
        let sumLatency = latencies.reduce(Duration.zero, +)
        let own = (sumLatency - remote) / total
        print(
            String(
                format:
                    "%2d in flight: %d writes, p50 %.2f ms, p99 %.2f ms, %.0f writes/s; RECRU's share %.2f ms/write, ATSBridge's own %.2f ms/write",
                concurrency,
                total,
                ms(latencies[total / 2]),
                ms(latencies[total * 99 / 100]),
                Double(total) / (ms(wall) / 1000),
                ms(remote / total),
                ms(own)
            )
        )
    }
    await client.close()
    await group.triggerGracefulShutdown()
    try await tasks.waitForAll()
}
try? FileManager.default.removeItem(at: directory)

import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRECRU
import ATSBridgeSandbox
import ATSBridgeStoreSQLite
import ATSBridgeSync
import BenchmarkSupport
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

// The first full sync of the sandbox's large preset (2,000 projects, 100,000 jobseekers,
// 200,000 applications) over real HTTP into a fresh SQLite store, with no rate limit; then a
// re-sync without upstream changes; then the request count and time a full sync needs at
// RECRU's rate limit of 10 requests/s, per page size. Sandbox, engine and store share this
// process (and the machine's 2 cores), as in the demo. The load average is printed before and
// after: other work on the machine shows in the absolute figures, less in the ratios.
//
//   swift run -c release SyncBenchmarks
//   SYNC_SKIP_UNCHANGED=0 swift run -c release SyncBenchmarks   # map every record every run
//   SYNC_FETCH_CONCURRENCY=8 SYNC_WRITE_BATCH=10000 SYNC_CACHE_KIB=262144 …   # other settings
//   SYNC_REFRESH_VIEWS=ready   # refresh kept views during the first sync, as the server does
//   SYNC_REFRESH_VIEWS=all     # the same for every integration (before views waited for it)
//   SYNC_FLOORS=.build/floors  # then SQLite alone writing the same rows (Benchmarks/floors.sh)

var logger = Logger(label: "bench.sync")
logger.logLevel = .warning
let clock = ContinuousClock()

let sandbox = RECRUSandbox(seed: 1, size: .large)
let server = SandboxHTTPServer(sandbox: sandbox, port: 0, logger: logger)
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sync-bench-\(UUID())")
// The store (about 450 MB) is removed whenever the run ends with an error or normally (a failed
// run used to leave it behind); only a crash or a signal leaves it.
defer { try? FileManager.default.removeItem(at: directory) }
var storeConfiguration = SQLiteStoreConfiguration(path: directory.appendingPathComponent("store.sqlite").path)
if let value = ProcessInfo.processInfo.environment["SYNC_CACHE_KIB"].flatMap(Int.init) {
    storeConfiguration.cacheKilobytes = value
}
let store = try await SQLiteStore(configuration: storeConfiguration)
let vault = try CredentialVault(encodedKey: CredentialVault.generateKey())
var recruConfiguration = RECRUAdapterConfiguration()
recruConfiguration.sync.requestsPerSecond = 1_000_000
let recru = RECRUAdapter(configuration: recruConfiguration, logger: logger)
var configuration = SyncConfiguration()
configuration.schedulerTick = .seconds(3600)
if let value = ProcessInfo.processInfo.environment["SYNC_FETCH_CONCURRENCY"].flatMap(Int.init) {
    configuration.fetchConcurrency = value
}
if let value = ProcessInfo.processInfo.environment["SYNC_WRITE_BATCH"].flatMap(Int.init) {
    configuration.writeBatchSize = value
}
if ProcessInfo.processInfo.environment["SYNC_SKIP_UNCHANGED"] == "0" { configuration.skipUnchangedSources = false }
print(
    "write batch \(configuration.writeBatchSize), fetch concurrency \(configuration.fetchConcurrency), page size \(configuration.pageSize), skip unchanged sources \(configuration.skipUnchangedSources)"
)
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(
        separator: " "
    )
        ?? "unknown"
}
print("load average before: \(loadAverage())")
let engine = SyncEngine(store: store, vault: vault, remote: recru, configuration: configuration, logger: logger)

let group = ServiceGroup(services: [server, engine], logger: logger)
try await withThrowingTaskGroup(of: Void.self) { tasks in
    tasks.addTask { try await group.run() }
    let port = try await server.listeningPort()
    let integration = Integration(
        id: "bench",
        tenantURL: "http://127.0.0.1:\(port)",
        login: "api@acme.example",
        status: .inactive,  // not scheduled: the benchmark triggers every run itself
        setupStatus: .syncPending
    )
    try await store.saveIntegration(
        StoredIntegration(
            integration: integration,
            encryptedCredentials: try vault.seal(password: "sandbox", integrationID: "bench")
        )
    )
    _ = try await store.updateIntegration(id: "bench") { $0.status = .active }

    // CPU seconds of the whole process (sandbox, engine and store) per run beside the wall
    // time: on this shared machine they move far less with the neighbours' load.
    func timedSync(_ type: SyncType) async throws -> (SyncRun, Duration, cpu: Double) {
        let start = clock.now
        let cpu = processCPUSeconds()
        let run = try await engine.waitUntilFinished(try await engine.trigger(integrationID: "bench", type: type))
        return (run, clock.now - start, processCPUSeconds() - cpu)
    }
    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    // SYNC_REFRESH_VIEWS=ready refreshes kept views during the first sync as `atsbridge serve`
    // does (the integrations whose first sync completed); =all as it did before it waited for
    // the first sync.
    let refreshMode = ProcessInfo.processInfo.environment["SYNC_REFRESH_VIEWS"]
    let refreshedViews = Atomic<Int>(0)
    let refresher: Task<Void, Never>? =
        refreshMode == nil
        ? nil
        : Task {
            while !Task.isCancelled {
                let refreshed: Int?
                if refreshMode == "all" {
                    refreshed = try? await store.refreshStaleViews(limit: 1000)
                } else {
                    let ready = (try? await store.integrations())?.compactMap {
                        $0.integration.setupStatus == .completed ? $0.integration.id : nil
                    }
                    refreshed = try? await store.refreshStaleViews(limit: 1000, of: ready ?? [])
                }
                guard let refreshed else { return }
                refreshedViews.add(refreshed, ordering: .relaxed)
                if refreshed < 1000 { try? await Task.sleep(for: .seconds(1)) }
            }
        }
    let (first, firstTime, firstCPU) = try await timedSync(.full)
    refresher?.cancel()
    await refresher?.value
    if let refreshMode {
        print("views refreshed during the first sync (\(refreshMode)): \(refreshedViews.load(ordering: .relaxed))")
    }
    guard first.state == .succeeded else {
        throw ATSBridgeError(.internalError, "first sync failed: \(first.errorMessage ?? "")")
    }
    let records = Double(first.created ?? 0)
    print(
        String(
            format: "first full sync: %.0f records in %.1f s = %@ records/s, %.1f s of CPU; peak RSS %@",
            records,
            seconds(firstTime),
            formatRate(records / seconds(firstTime)),
            firstCPU,
            megabytes(peakResidentBytes())
        )
    )
    if let floors = ProcessInfo.processInfo.environment["SYNC_FLOORS"] {
        // The least the store's one writer could spend on these rows, in the same minutes.
        let copy = directory.appendingPathComponent("floor.sqlite").path
        let floor = try await FloorsProgram.run(binary: floors, arguments: ["writes", storeConfiguration.path, copy])
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
        let wall = floor["writes"] ?? .nan
        print(
            String(
                format:
                    "SQLite alone writing the same rows: %.1f s = %@ records/s, %.1f s of CPU; the first sync took %.2f× as long",
                wall,
                formatRate(records / wall),
                floor["writes_cpu"] ?? .nan,
                seconds(firstTime) / wall
            )
        )
    }
    for type in [SyncType.full, .delta, .full] {
        let (again, time, cpu) = try await timedSync(type)
        print(
            String(
                format:
                    "re-sync (%@) without changes: %.1f s = %.1f× faster, %.1f s of CPU; written: %d created, %d updated, %d deleted",
                type == .full ? "FULL" : "DELTA",
                seconds(time),
                seconds(firstTime) / seconds(time),
                cpu,
                again.created ?? 0,
                again.updated ?? 0,
                again.deleted ?? 0
            )
        )
    }

    print("load average after: \(loadAverage())")

    // At a RECRU rate limit of 10 requests/s, a full sync's time is its request count / 10.
    let size = SandboxSize.large
    for pageSize in [50, 100, 200] {
        let pages = { (count: Int) in max(1, (count + pageSize - 1) / pageSize) }
        let requests =
            1 + pages(size.users) + 1 + 1 + pages(size.projects) + pages(size.jobseekers)
            + pages(size.applications)
        print(
            String(
                format: "at 10 requests/s, page size %d: %d requests = %.0f s (%.1f min)",
                pageSize,
                requests,
                Double(requests) / 10,
                Double(requests) / 600
            )
        )
    }
    await group.triggerGracefulShutdown()
    try await tasks.waitForAll()
}

import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStorePostgres
import ATSBridgeStoreSQLite
import BenchmarkSupport
import Foundation
import Logging

// Scale-out: PostgreSQL beside SQLite in the same run, release builds (docs/benchmarks.md,
// "Scale-out"):
//
//   1. ingest of N candidates (batches of 5,000, as a sync writes them), then an unchanged
//      re-upsert, which must write nothing;
//   2. `atsbridge export candidates` from a real `atsbridge serve` on each store to the CLI;
//   3. 32 concurrent clients calling GetCandidate for 20 s against one server, then against two
//      servers on the same PostgreSQL (16 clients each).
//
//   swift build -c release --product atsbridge && \
//     BENCH_POSTGRES_URL=postgres://user:pw@127.0.0.1:5432/postgres swift run -c release ScaleOutBenchmarks
//
//   BENCH_POSTGRES_URL   a server where the user may create databases (required); the benchmark
//                        creates its own database there and drops it at the end
//   BENCH_CANDIDATES     candidates (default 1,000,000)
//   BENCH_READ_SECONDS   seconds per read round (default 20)

/// The benchmark's entry point: everything in one function, no top-level globals.
@main @MainActor
enum ScaleOutBenchmarks {
    /// Runs one measurement; a failure (e.g. a backend that cannot do it yet) is printed, and the
    /// next measurement runs.
    static func step(_ name: String, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            print("\(name): FAILED: \(error)")
        }
    }

    static func main() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let serverURL = environment["BENCH_POSTGRES_URL"], !serverURL.isEmpty else {
            fatalError("set BENCH_POSTGRES_URL to a PostgreSQL server where the user may create databases")
        }
        let total = Int(environment["BENCH_CANDIDATES"] ?? "") ?? 1_000_000
        let readSeconds = Int(environment["BENCH_READ_SECONDS"] ?? "") ?? 20
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("atsbridge").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            fatalError("build the server beside it first: cd Benchmarks && swift build -c release --product atsbridge")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scale-out-bench-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "bench")
        logger.logLevel = .warning

        print(machineSummary())
        let database = try BenchDatabase(serverURL: serverURL)
        let sqliteURL = "sqlite:\(directory)/bench.sqlite"

        // 1. Ingest and unchanged re-upsert, SQLite then PostgreSQL.
        let sqlite = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: directory + "/bench.sqlite"))
        let postgres = try await PostgresStore(
            configuration: try PostgresStoreConfiguration(url: database.url),
            logger: logger
        )
        for (name, store) in [("SQLite", sqlite as any Store), ("PostgreSQL", postgres as any Store)] {
            await Self.step("\(name) ingest") {
                try await store.saveIntegration(Ingest.integration)
                let ingest = try await Ingest(store: store, total: total).run()
                print(
                    String(
                        format: "%@ ingest: %@ records/s (%.1f s); unchanged re-upsert: %@ records/s (%.1f s), "
                            + "%d unchanged, change log %@",
                        name,
                        formatRate(Double(total) / ingest.insertSeconds),
                        ingest.insertSeconds,
                        formatRate(Double(total) / ingest.reupsertSeconds),
                        ingest.reupsertSeconds,
                        ingest.unchanged,
                        ingest.logGrew ? "GREW (wrote something)" : "unchanged (nothing written)"
                    )
                )
            }
        }
        let sqliteBytes = SQLiteStore.files(of: directory + "/bench.sqlite").reduce(0) { sum, path in
            sum + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
        print("size on disk: SQLite \(megabytes(sqliteBytes)), PostgreSQL \(megabytes((try? database.size()) ?? 0))")
        await postgres.close()

        // 2. Export through a real server and the CLI, each format twice, the second reported.
        let servers = ServerProcesses(binary: binary)
        for (name, store) in [("SQLite", sqliteURL), ("PostgreSQL", database.url)] {
            await Self.step("\(name) export") {
                let server = try servers.start(store: store, instance: "export")
                defer { servers.stop(server) }
                for format in ["protobuf", "ndjson", "protobuf", "ndjson"] {
                    let result = try servers.export(from: server, format: format, to: directory + "/out.\(format)")
                    print(
                        String(
                            format: "%@ export %@: %d candidates in %.2f s = %@ records/s (%@)",
                            name,
                            format,
                            total,
                            result,
                            formatRate(Double(total) / result),
                            loadAverage()
                        )
                    )
                }
            }
        }

        // 3. 32 concurrent GetCandidate clients: one server, then two on the same PostgreSQL.
        let ids = (0..<total).map { Ingest.id($0) }
        var rates: [String: Double] = [:]
        for (label, stores) in [
            ("SQLite, one server", [sqliteURL]),
            ("PostgreSQL, one server", [database.url]),
            ("PostgreSQL, two servers", [database.url, database.url]),
        ] {
            await Self.step(label) {
                let started = try stores.enumerated().map { try servers.start(store: $1, instance: "read-\($0)") }
                defer { for server in started { servers.stop(server) } }
                let rate = try await Readers(ports: started.map(\.port), clients: 32, ids: ids).run(
                    seconds: readSeconds
                )
                rates[label] = rate
                print(String(format: "%@: 32 clients, %.0f GetCandidate calls/s (%@)", label, rate, loadAverage()))
            }
        }
        if let one = rates["PostgreSQL, one server"], let two = rates["PostgreSQL, two servers"] {
            print(String(format: "two servers / one server on PostgreSQL: %.2f×", two / one))
        }
        database.drop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

// swift-tools-version: 6.1
// Benchmarks live in their own package so that the main build never pulls in SwiftProtobuf or
// other peer-only dependencies. Run from this folder:
//
//   swift run -c release CodecBenchmarks
import PackageDescription

let package = Package(
    name: "ATSBridgeBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ATSBridge", path: "../"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Peers of PeerBenchmarks only.
        .package(url: "https://github.com/grpc/grpc-swift-2", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", exact: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // Generated once with protoc-gen-swift 1.39.0 from ../proto (see docs/benchmarks.md).
        .target(
            name: "SwiftProtobufModels",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .target(name: "BenchmarkSupport"),
        // Store: the SQLite store at 1 M candidates.
        //   swift run -c release StoreBenchmarks
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "ATSBridgeProto", package: "ATSBridge"),
                .product(name: "ATSBridgeCore", package: "ATSBridge"),
                .product(name: "ATSBridgeStoreSQLite", package: "ATSBridge"),
            ]
        ),
        // Sandbox: memory at the large preset and the time to serve a 200-row page.
        //   swift run -c release SandboxBenchmarks
        .executableTarget(
            name: "SandboxBenchmarks",
            dependencies: ["BenchmarkSupport", .product(name: "ATSBridgeSandbox", package: "ATSBridge")]
        ),
        // Export: `atsbridge export candidates` for 1 M candidates, server and CLI as processes.
        //   swift build -c release --product atsbridge && swift run -c release ExportBenchmarks
        .executableTarget(
            name: "ExportBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "ATSBridgeCore", package: "ATSBridge"),
                .product(name: "ATSBridgeProto", package: "ATSBridge"),
                .product(name: "ATSBridgeStoreSQLite", package: "ATSBridge"),
                .product(name: "ATSBridgeTestSupport", package: "ATSBridge"),
            ]
        ),
        // Writes: CreateApplication with a 200 KB CV, 1 and 16 in flight.
        //   swift run -c release WriteBenchmarks
        .executableTarget(
            name: "WriteBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "ATSBridgeAPI", package: "ATSBridge"),
                .product(name: "ATSBridgeClient", package: "ATSBridge"),
                .product(name: "ATSBridgeCore", package: "ATSBridge"),
                .product(name: "ATSBridgeProto", package: "ATSBridge"),
                .product(name: "ATSBridgeRPC", package: "ATSBridge"),
                .product(name: "ATSBridgeRECRU", package: "ATSBridge"),
                .product(name: "ATSBridgeSandbox", package: "ATSBridge"),
                .product(name: "ATSBridgeServer", package: "ATSBridge"),
                .product(name: "ATSBridgeStoreSQLite", package: "ATSBridge"),
                .product(name: "ATSBridgeSync", package: "ATSBridge"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Scale-out: PostgreSQL beside SQLite: ingest, export through the CLI, 32 readers on one and
        // two servers (docs/benchmarks.md, "Scale-out").
        //   swift build -c release --product atsbridge && \
        //     BENCH_POSTGRES_URL=postgres://… swift run -c release ScaleOutBenchmarks
        .executableTarget(
            name: "ScaleOutBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "ATSBridgeClient", package: "ATSBridge"),
                .product(name: "ATSBridgeCore", package: "ATSBridge"),
                .product(name: "ATSBridgeProto", package: "ATSBridge"),
                .product(name: "ATSBridgeStorePostgres", package: "ATSBridge"),
                .product(name: "ATSBridgeStoreSQLite", package: "ATSBridge"),
                .product(name: "ATSBridgeTestSupport", package: "ATSBridge"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Sync: first full sync of the large sandbox preset and a no-change re-sync.
        //   swift run -c release SyncBenchmarks
        .executableTarget(
            name: "SyncBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "ATSBridgeCore", package: "ATSBridge"),
                .product(name: "ATSBridgeProto", package: "ATSBridge"),
                .product(name: "ATSBridgeRECRU", package: "ATSBridge"),
                .product(name: "ATSBridgeSandbox", package: "ATSBridge"),
                .product(name: "ATSBridgeStoreSQLite", package: "ATSBridge"),
                .product(name: "ATSBridgeSync", package: "ATSBridge"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // RPC: streaming export and unary latency over loopback, server in a child process.
        //   swift run -c release RPCBenchmarks
        .executableTarget(
            name: "RPCBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "ATSBridgeProto", package: "ATSBridge"),
                .product(name: "ATSBridgeCore", package: "ATSBridge"),
                .product(name: "ATSBridgeRPC", package: "ATSBridge"),
                .product(name: "ATSBridgeServer", package: "ATSBridge"),
                .product(name: "ATSBridgeClient", package: "ATSBridge"),
                .product(name: "ATSBridgeAPI", package: "ATSBridge"),
                .product(name: "ATSBridgeTestSupport", package: "ATSBridge"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Peers in the same run: ATSBridge's streaming export and Ping against grpc-swift-2 and a
        // JSON/HTTP paging API, alternated round by round, servers in child processes.
        //   swift build -c release --product atsbridge && swift run -c release PeerBenchmarks
        .executableTarget(
            name: "PeerBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                "SwiftProtobufModels",
                .product(name: "ATSBridgeClient", package: "ATSBridge"),
                .product(name: "ATSBridgeCore", package: "ATSBridge"),
                .product(name: "ATSBridgeProto", package: "ATSBridge"),
                .product(name: "ATSBridgeStoreSQLite", package: "ATSBridge"),
                .product(name: "ATSBridgeTestSupport", package: "ATSBridge"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .executableTarget(
            name: "CodecBenchmarks",
            dependencies: [
                "SwiftProtobufModels",
                "BenchmarkSupport",
                .product(name: "ATSBridgeProto", package: "ATSBridge"),
                .product(name: "ATSBridgeTestSupport", package: "ATSBridge"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
    ]
)

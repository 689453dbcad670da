// swift-tools-version: 6.1
// ATSBridge: a self-hosted unified ATS service with a RECRU connector.
// Layers, lowest first (see ARCHITECTURE.md): C → Proto → Core → RPC → Server/Client, Store,
// RECRU, Sync → App. A target imports only targets below it.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ATSBridge",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ATSBridgeProto", targets: ["ATSBridgeProto"]),
        .library(name: "ATSBridgeCore", targets: ["ATSBridgeCore"]),
        .library(name: "ATSBridgeRPC", targets: ["ATSBridgeRPC"]),
        .library(name: "ATSBridgeServer", targets: ["ATSBridgeServer"]),
        .library(name: "ATSBridgeClient", targets: ["ATSBridgeClient"]),
        .library(name: "ATSBridgeAPI", targets: ["ATSBridgeAPI"]),
        .library(name: "ATSBridgeStoreRules", targets: ["ATSBridgeStoreRules"]),
        .library(name: "ATSBridgeStoreSQLite", targets: ["ATSBridgeStoreSQLite"]),
        .library(name: "ATSBridgeStorePostgres", targets: ["ATSBridgeStorePostgres"]),
        .library(name: "ATSBridgeSandbox", targets: ["ATSBridgeSandbox"]),
        .library(name: "ATSBridgeRECRU", targets: ["ATSBridgeRECRU"]),
        .library(name: "ATSBridgeSync", targets: ["ATSBridgeSync"]),
        // Sample records for tests and the Benchmarks package; not for production use.
        .library(name: "ATSBridgeTestSupport", targets: ["ATSBridgeTestSupport"]),
        .executable(name: "atsbridge", targets: ["atsbridge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // TLS on the RPC port (already in the graph through async-http-client).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // The PostgreSQL store backend: connection pool, extended protocol, TLS through NIOSSL.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C: libprotobuf-c through pkg-config, and the committed protoc-c output.
        .systemLibrary(
            name: "CATSBridgeProtobufC",
            pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"]), .brew(["protobuf-c"])]
        ),
        .target(name: "CATSBridgeProto", dependencies: ["CATSBridgeProtobufC"]),
        // The bounded bump arena that every pack and unpack allocates from (hand-written C).
        .target(name: "CATSBridgeArena", dependencies: ["CATSBridgeProtobufC"]),
        // System calls Swift's Glibc module leaves out (hand-written C; the CLI's file writes).
        .target(name: "CATSBridgeSystem"),
        // Proto: Swift value types for every message, encoded and decoded by the C codecs.
        .target(
            name: "ATSBridgeProto",
            dependencies: ["CATSBridgeProto", "CATSBridgeProtobufC", "CATSBridgeArena"],
            swiftSettings: swiftSettings
        ),
        // Core: domain types, errors, configuration. No NIO, no I/O.
        .target(
            name: "ATSBridgeCore",
            dependencies: [
                "ATSBridgeProto",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // RPC: frame codec, connection state, method registry and dispatcher. NIOCore only.
        .target(
            name: "ATSBridgeRPC",
            dependencies: [
                "ATSBridgeCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                "ATSBridgeProto",
            ],
            swiftSettings: swiftSettings
        ),
        // Server: the TCP listener and its graceful shutdown.
        .target(
            name: "ATSBridgeServer",
            dependencies: [
                "ATSBridgeRPC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "ATSBridgeCore",
                "ATSBridgeProto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Client: the typed Swift client.
        .target(
            name: "ATSBridgeClient",
            dependencies: [
                "ATSBridgeRPC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                "ATSBridgeCore",
                "ATSBridgeProto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // API: the services (read, health, write, admin, changes) registered on the router. It
        // speaks to RECRU only through Core's remote-ATS port; the app wires the adapter in.
        .target(
            name: "ATSBridgeAPI",
            dependencies: [
                "ATSBridgeRPC", "ATSBridgeSync",
                // Downloading attachment URLs of write commands.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "ATSBridgeCore",
                "ATSBridgeProto",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Store: the unified API's change rules every backend shares (what changed, which parents
        // are touched, which views go stale, how nested views and sent records are assembled),
        // as pure functions over rows a backend fetched. No I/O.
        .target(
            name: "ATSBridgeStoreRules",
            dependencies: ["ATSBridgeCore", "ATSBridgeProto"],
            swiftSettings: swiftSettings
        ),
        // Store: the SQLite backend, the embedded default.
        .target(
            name: "ATSBridgeStoreSQLite",
            dependencies: [
                "ATSBridgeCore", "ATSBridgeStoreRules",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The page scan reads columns with SQLite's C API, straight into the page.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                "ATSBridgeProto",
            ],
            swiftSettings: swiftSettings
        ),
        // Store: the PostgreSQL backend, shared by several `atsbridge serve` instances.
        .target(
            name: "ATSBridgeStorePostgres",
            dependencies: [
                "ATSBridgeCore", "ATSBridgeStoreRules",
                "ATSBridgeProto",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Listener: the small server-side home shared by the sandbox and the metrics endpoint:
        // the listening-port promise and the HTTP/1 accept loop.
        .target(
            name: "ATSBridgeListener",
            dependencies: [
                "ATSBridgeCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // RECRU: the sandbox, an emulator of RECRU's JSON-RPC API over HTTP (NIOHTTP1) or
        // in-process; it codes against the adapter's method catalogue.
        .target(
            name: "ATSBridgeSandbox",
            dependencies: [
                "ATSBridgeProto", "ATSBridgeCore", "ATSBridgeRECRU", "ATSBridgeListener",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // RECRU: the adapter behind Core's remote-ATS port: the JSON-RPC client (with a transport
        // seam; HTTP through AsyncHTTPClient), paging, mapping, writes, coverage.
        .target(
            name: "ATSBridgeRECRU",
            dependencies: [
                "ATSBridgeCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                "ATSBridgeProto",
            ],
            swiftSettings: swiftSettings
        ),
        // Sync: the sync engine and its schedule, over Core's remote-ATS port.
        .target(
            name: "ATSBridgeSync",
            dependencies: [
                "ATSBridgeCore",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                "ATSBridgeProto",
            ],
            swiftSettings: swiftSettings
        ),
        // App: `atsbridge serve` assembled: configuration, services, demo, metrics endpoint.
        .target(
            name: "ATSBridgeApp",
            dependencies: [
                "ATSBridgeAPI", "ATSBridgeServer", "ATSBridgeStoreSQLite", "ATSBridgeStorePostgres", "ATSBridgeSandbox",
                "ATSBridgeSync",
                "ATSBridgeRECRU", "ATSBridgeListener",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "ATSBridgeCore",
                "ATSBridgeProto",
                "ATSBridgeRPC",
            ],
            swiftSettings: swiftSettings
        ),
        // Sample records shared by the tests and the Benchmarks package.
        .target(
            name: "ATSBridgeTestSupport",
            dependencies: [
                "ATSBridgeProto", "ATSBridgeCore", "CATSBridgeSystem",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // App: the `atsbridge` executable.
        .executableTarget(
            name: "atsbridge",
            dependencies: [
                "ATSBridgeCore", "ATSBridgeApp", "ATSBridgeClient",
                "ATSBridgeSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                "ATSBridgeProto",
                "CATSBridgeSystem",
            ],
            swiftSettings: swiftSettings
        ),
        // A test-only tool (not shipped): writes batches into a SQLite store until the store's
        // crash test kills it.
        .executableTarget(
            name: "StoreCrashLoad",
            dependencies: [
                "ATSBridgeCore", "ATSBridgeProto", "ATSBridgeStoreSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/Tools/StoreCrashLoad",
            swiftSettings: swiftSettings
        ),
        // The seeded mutation fuzzer of the frame decoder and every request message
        // (docs/security.md): `swift build -c release --product WireFuzz`.
        .executableTarget(
            name: "WireFuzz",
            dependencies: [
                "ATSBridgeCore", "ATSBridgeProto", "ATSBridgeRPC", "ATSBridgeTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/Tools/WireFuzz",
            swiftSettings: swiftSettings
        ),
        // The load test of scripts/load-test.sh: export streams and writers against a server.
        .executableTarget(
            name: "LoadTest",
            dependencies: ["ATSBridgeClient", "ATSBridgeCore", "ATSBridgeProto"],
            path: "Tests/Tools/LoadTest",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ATSBridgeCoreTests",
            dependencies: ["ATSBridgeCore", "ATSBridgeProto", "ATSBridgeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ATSBridgeProtoTests",
            dependencies: ["ATSBridgeProto", "ATSBridgeCore", "ATSBridgeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ATSBridgeRPCTests",
            dependencies: [
                "ATSBridgeRPC", "ATSBridgeServer", "ATSBridgeClient", "ATSBridgeAPI", "ATSBridgeTestSupport",
                "ATSBridgeStoreSQLite",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "ATSBridgeCore",
                "ATSBridgeProto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ATSBridgeStoreTests",
            dependencies: [
                "ATSBridgeStoreSQLite", "ATSBridgeStorePostgres", "ATSBridgeStoreRules", "ATSBridgeTestSupport",
                "StoreCrashLoad",
                .product(name: "Crypto", package: "swift-crypto"),
                // Reads the SQLite connections' settings (SQLiteConnectionSettingsTests).
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                // The PostgreSQL tests' own sessions: creating databases, locking, killing backends.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "ATSBridgeCore",
                "ATSBridgeProto",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ATSBridgeSandboxTests",
            dependencies: [
                "ATSBridgeSandbox", "ATSBridgeRECRU", "ATSBridgeTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                "ATSBridgeCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ATSBridgeRECRUTests",
            dependencies: [
                "ATSBridgeRECRU", "ATSBridgeSandbox", "ATSBridgeTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "ATSBridgeCore",
                "ATSBridgeProto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ATSBridgeSyncTests",
            dependencies: [
                "ATSBridgeSync", "ATSBridgeRECRU", "ATSBridgeSandbox", "ATSBridgeStoreSQLite", "ATSBridgeTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "ATSBridgeCore",
                "ATSBridgeProto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ATSBridgeWriteTests",
            dependencies: [
                "ATSBridgeAPI", "ATSBridgeServer", "ATSBridgeClient", "ATSBridgeSync", "ATSBridgeRECRU",
                "ATSBridgeSandbox", "ATSBridgeListener",
                "ATSBridgeStoreSQLite", "ATSBridgeTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "ATSBridgeCore",
                "ATSBridgeProto",
                "ATSBridgeRPC",
            ],
            swiftSettings: swiftSettings
        ),
        // Keys, roles and scopes, integration lifecycle and the audit log, end to end: every
        // service over a real socket, a real SQLite store, the sandbox over real HTTP.
        .testTarget(
            name: "ATSBridgeAccessTests",
            dependencies: [
                "ATSBridgeAPI", "ATSBridgeServer", "ATSBridgeClient", "ATSBridgeSync", "ATSBridgeRECRU",
                "ATSBridgeSandbox", "ATSBridgeStoreSQLite", "ATSBridgeTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                "ATSBridgeCore",
                "ATSBridgeProto",
                "ATSBridgeRPC",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "atsbridgeTests",
            dependencies: [
                "atsbridge", "ATSBridgeApp", "ATSBridgeProto", "ATSBridgeServer", "ATSBridgeStoreSQLite",
                "ATSBridgeTestSupport",
                "CATSBridgeSystem",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

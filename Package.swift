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
        // Sample records for tests and the Benchmarks package; not for production use.
        .library(name: "ATSBridgeTestSupport", targets: ["ATSBridgeTestSupport"]),
        .executable(name: "atsbridge", targets: ["atsbridge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // C: libprotobuf-c through pkg-config, and the committed protoc-c output.
        .systemLibrary(
            name: "CATSBridgeProtobufC",
            pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"]), .brew(["protobuf-c"])]
        ),
        .target(name: "CATSBridgeProto", dependencies: ["CATSBridgeProtobufC"]),
        // Proto: Swift value types for every message, encoded and decoded by the C codecs.
        .target(
            name: "ATSBridgeProto",
            dependencies: ["CATSBridgeProto", "CATSBridgeProtobufC"],
            swiftSettings: swiftSettings
        ),
        // Core: domain types, errors, configuration. No NIO, no I/O.
        .target(name: "ATSBridgeCore", dependencies: ["ATSBridgeProto"], swiftSettings: swiftSettings),
        // Sample records shared by the tests and the Benchmarks package.
        .target(name: "ATSBridgeTestSupport", dependencies: ["ATSBridgeProto"], swiftSettings: swiftSettings),
        // App: the `atsbridge` executable.
        .executableTarget(
            name: "atsbridge",
            dependencies: [
                "ATSBridgeCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ATSBridgeProtoTests",
            dependencies: ["ATSBridgeProto", "ATSBridgeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "atsbridgeTests",
            dependencies: ["atsbridge"],
            swiftSettings: swiftSettings
        ),
    ]
)

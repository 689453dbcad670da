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
    ],
    targets: [
        // Generated once with protoc-gen-swift 1.39.0 from ../proto (see docs/benchmarks.md).
        .target(
            name: "SwiftProtobufModels",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .target(name: "BenchmarkSupport"),
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

import ATSBridgeTestSupport
import Foundation

/// Runs Google's `protoc` on the repository's `proto/` files as a ``ChildProcess``: its exit is
/// awaited, not waited for on a thread of the cooperative pool.
enum ProtocInterop {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `protoc --decode=<type>`: wire bytes to text format.
    static func decode(_ type: String, _ bytes: [UInt8]) async throws -> String {
        let output = try await self.run(["--decode=\(type)"], input: Data(bytes))
        return String(decoding: output, as: UTF8.self)
    }

    /// `protoc --encode=<type>`: text format to wire bytes.
    static func encode(_ type: String, _ text: String) async throws -> [UInt8] {
        [UInt8](try await self.run(["--encode=\(type)"], input: Data(text.utf8)))
    }

    private static func run(_ mode: [String], input: Data) async throws -> Data {
        let protoRoot = self.repositoryRoot.appendingPathComponent("proto").path
        let files = ["common", "models", "read", "write", "admin", "rpc"].map { "atsbridge/v1/\($0).proto" }
        let process = try await ChildProcess.run(
            "/usr/bin/env",
            ["protoc", "-I", protoRoot] + mode + files,
            stdin: input
        )
        guard process.status == 0 else {
            throw Failure(description: "protoc \(mode) exited \(process.status): \(process.stderr)")
        }
        return process.stdoutData
    }
}

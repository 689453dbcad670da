import Foundation

/// Runs Google's `protoc` on the repository's `proto/` files, without blocking a thread of the
/// cooperative pool: input and output go through files and the exit is awaited.
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
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atsbridge-protoc-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inURL = directory.appendingPathComponent("in")
        let outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        try input.write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let protoRoot = self.repositoryRoot.appendingPathComponent("proto").path
        let files = ["common", "models", "read", "write", "admin", "rpc"].map { "atsbridge/v1/\($0).proto" }
        process.arguments = ["protoc", "-I", protoRoot] + mode + files
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            throw Failure(description: "protoc \(mode) exited \(status): \(stderr)")
        }
        return try Data(contentsOf: outURL)
    }
}

import Dispatch
import Foundation

/// The floors program, run on a dispatch thread (the child runs for seconds); its last line is
/// `floors NAME=VALUE …`.
public enum FloorsProgram {
    /// The `NAME=VALUE` pairs of the program's last line, which must start with `floors `.
    public static func run(binary: String, arguments: [String]) async throws -> [String: Double] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.runBlocking(binary: binary, arguments: arguments) })
            }
        }
    }

    private static func runBlocking(binary: String, arguments: [String]) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Read to the end first: a child blocked on a full pipe would never exit.
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let status = process.terminationStatus
        guard status == 0, let last = text.split(separator: "\n").last, last.hasPrefix("floors ") else {
            throw FloorsProgramError("\(binary) failed (status \(status)): \(text.suffix(300))")
        }
        var values: [String: Double] = [:]
        for field in last.dropFirst("floors ".count).split(separator: " ") {
            let parts = field.split(separator: "=")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }
}

/// The floors program failed or printed no `floors` line.
public struct FloorsProgramError: Error, CustomStringConvertible {
    /// What went wrong, with the end of the program's output.
    public var description: String

    init(_ description: String) { self.description = description }
}

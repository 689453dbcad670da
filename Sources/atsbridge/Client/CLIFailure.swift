import ATSBridgeCore
import ATSBridgeProto
import ArgumentParser
import Foundation

/// How client commands fail: one `error: STATUS DOTTED.CODE: message` line on stderr, for
/// remote and local errors alike, and an exit code per status (docs/cli.md).
enum CLIFailure: Error {
    /// Bad usage found after parsing (unknown model, bad date): exit 64.
    case usage(String)
    /// A local problem (a file cannot be written): exit 74.
    case io(String)

    /// The status and dotted code of a usage error.
    static let usageCode = ATSBridgeError.Code("CLI.USAGE", status: .invalidArgument)
    /// The status and dotted code of a local I/O error.
    static let ioCode = ATSBridgeError.Code("CLI.IO", status: .internal)

    /// Runs a command body, turning failures into a stderr line and an exit code.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ATSBridgeError {
            Terminal.error(self.line(error.code, error.message))
            throw ExitCode(self.exitCode(error.code.status))
        } catch let failure as CLIFailure {
            switch failure {
            case .usage(let message):
                Terminal.error(self.line(self.usageCode, message))
                throw ExitCode(64)
            case .io(let message):
                Terminal.error(self.line(self.ioCode, message))
                throw ExitCode(74)
            }
        }
    }

    /// `error: STATUS DOTTED.CODE: message`.
    static func line(_ code: ATSBridgeError.Code, _ message: String) -> String {
        "error: \(code.status.name ?? "UNKNOWN") \(code.dotted): \(message)"
    }

    /// sysexits-style codes by gRPC status; every status has one, and 1 is left for crashes.
    static func exitCode(_ status: StatusCode) -> Int32 {
        switch status {
        case .ok: 0
        case .invalidArgument, .outOfRange: 65
        case .notFound: 66
        case .unavailable, .deadlineExceeded, .cancelled: 69
        case .internal, .dataLoss: 70
        case .alreadyExists: 73
        case .failedPrecondition, .resourceExhausted, .aborted: 75
        case .unknown, .unimplemented: 76
        case .unauthenticated, .permissionDenied: 77
        default: 76
        }
    }
}

/// Writes to stdout and stderr without buffering surprises.
enum Terminal {
    /// Writes to stdout. Where it cannot be written (a closed pipe, as with `| head`, or a full
    /// disk), the command cannot go on: it ends with `CLI.IO` (exit 74), not a crash.
    static func out(_ bytes: [UInt8]) {
        do {
            try FileHandle.standardOutput.write(contentsOf: bytes)
        } catch {
            let reason =
                (error as NSError).domain == NSPOSIXErrorDomain
                ? " (\(String(cString: strerror(Int32((error as NSError).code)))))" : ""
            self.error(CLIFailure.line(CLIFailure.ioCode, "standard output cannot be written\(reason)"))
            exit(74)
        }
    }

    static func line(_ text: String) {
        self.out(Array((text + "\n").utf8))
    }

    static func error(_ text: String) {
        // Nowhere left to report a failure to write stderr itself.
        try? FileHandle.standardError.write(contentsOf: Array((text + "\n").utf8))
    }

    /// Standard input to its end, refused past `limit` bytes (`what` names it in the error)
    /// instead of reading an endless stream into memory.
    static func standardInput(atMost limit: Int, what: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let chunk = try FileHandle.standardInput.read(upToCount: 64 << 10), !chunk.isEmpty {
            bytes += chunk
            guard bytes.count <= limit else {
                throw CLIFailure.usage("\(what) on standard input is longer than \(limit) bytes")
            }
        }
        return bytes
    }

    /// Standard input to its end as text, refused past `limit` bytes or when it is not UTF-8.
    static func standardInputText(atMost limit: Int, what: String) throws -> String {
        try self.text(try self.standardInput(atMost: limit, what: what), what: "\(what) on standard input")
    }

    /// `bytes` as text; refused when they are not UTF-8 rather than altered, so that what is
    /// sent is what was given.
    static func text(_ bytes: some Collection<UInt8>, what: String) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CLIFailure.usage("\(what) is not valid UTF-8")
        }
        return text
    }

    /// The position (from 1) of the first command-line argument that is not UTF-8, if any:
    /// Swift would replace its bad bytes, so a name or path would be silently altered.
    static func argumentNotUTF8() -> Int? {
        // A program can be started with no arguments at all, not even its name.
        guard CommandLine.argc > 1 else { return nil }
        return (1..<Int(CommandLine.argc)).first { index in
            CommandLine.unsafeArgv[index].map { String(validatingCString: $0) == nil } ?? false
        }
    }

    /// Whether stderr is a terminal (progress bars and hints only then).
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Whether stdout is a terminal (`--format json` is indented only then).
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }
}

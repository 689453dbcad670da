import ATSBridgeCore
import ATSBridgeProto
import ArgumentParser
import Foundation

/// How client commands fail: a message on stderr and a meaningful exit code (docs/cli.md).
enum CLIFailure: Error {
    /// Bad usage found after parsing (unknown model, bad date): exit 64.
    case usage(String)
    /// A local problem (a file cannot be written): exit 74.
    case io(String)

    /// Runs a command body, turning failures into a stderr line and an exit code.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ATSBridgeError {
            let status = error.code.status.name ?? "UNKNOWN"
            Terminal.error("error: \(status) \(error.code.dotted): \(error.message)")
            throw ExitCode(self.exitCode(error.code.status))
        } catch let failure as CLIFailure {
            switch failure {
            case .usage(let message):
                Terminal.error("error: \(message)")
                throw ExitCode(64)
            case .io(let message):
                Terminal.error("error: \(message)")
                throw ExitCode(74)
            }
        }
    }

    /// sysexits-style codes by gRPC status.
    static func exitCode(_ status: StatusCode) -> Int32 {
        switch status {
        case .ok: 0
        case .invalidArgument, .outOfRange: 65
        case .notFound: 66
        case .unavailable, .deadlineExceeded, .cancelled: 69
        case .failedPrecondition, .resourceExhausted, .aborted: 75
        case .unauthenticated, .permissionDenied: 77
        default: 1
        }
    }
}

/// Writes to stdout and stderr without buffering surprises.
enum Terminal {
    static func out(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    static func line(_ text: String) {
        self.out(Array((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Whether stderr is a terminal (progress bars only then).
    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}

import ATSBridgeCore
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// The `atsbridge` command: the server, the RECRU sandbox and the client commands.
@main
struct ATSBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atsbridge",
        abstract: "A self-hosted unified ATS service with a RECRU connector.",
        discussion: """
            ATSBridge mirrors RECRU accounts into a local store in the unified ATS model \
            and serves them over a length-prefixed binary RPC protocol on TCP.

            Examples:
              atsbridge serve --demo
              atsbridge ping --server 127.0.0.1:7420
              atsbridge get candidates --integration demo --format table
              atsbridge export candidates --out candidates.ndjson
              atsbridge call AtsRead/GetCandidatePage '{"page":{"page_size":2}}'
              atsbridge apply --job remote:12 --first-name Jana \\
                --last-name Nováková --email jana@example.sk --cv cv.pdf
              atsbridge tag add 3NP1SPRaNVZfrV43g5FstSKJ Senior
              atsbridge keys create jobboard --role write --integration-scope demo
              atsbridge audit --limit 20
              atsbridge sandbox --port 8480 --seed 7 --size medium

            Client commands read ATSBRIDGE_SERVER, ATSBRIDGE_API_KEY and \
            ATSBRIDGE_INTEGRATION. Errors print one line, error: STATUS DOTTED.CODE: \
            message. Exit codes: 0 ok, 64 usage, 65 invalid input, 66 not found, 69 \
            unavailable, 70 server error, 73 already exists, 74 local I/O, 75 failed \
            precondition or rate limit, 76 unimplemented or unknown remote answer, 77 not \
            allowed, 1 a crash.
            """,
        version: ATSBridgeVersion.current,
        subcommands: [
            ServeCommand.self, PingCommand.self, IntegrationsCommand.self, SyncCommand.self, GetCommand.self,
            ExportCommand.self, WatchCommand.self, CallCommand.self, ApplyCommand.self, TagCommand.self,
            KeysCommand.self, AuditCommand.self, KeygenCommand.self, CredentialKeyCommand.self,
            SandboxCommand.self, VersionCommand.self,
        ]
    )

    /// Parses and runs the command; usage errors print in the same one-line shape as every
    /// other error (`error: INVALID_ARGUMENT CLI.USAGE: …`), followed by the usage.
    static func main() async {
        // A closed pipe on stdout (`| head`) is a write error the command reports (CLI.IO),
        // not a signal that kills it silently; NIO ignores SIGPIPE too, but only once it runs.
        signal(SIGPIPE, SIG_IGN)
        if let position = Terminal.argumentNotUTF8() {
            Terminal.error(CLIFailure.line(CLIFailure.usageCode, "argument \(position) is not valid UTF-8"))
            self.exit(withError: ExitCode.validationFailure)
        }
        do {
            var command = try self.parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            // An ExitCode was thrown after the command printed its error line already.
            guard !(error is ExitCode), self.exitCode(for: error) == .validationFailure else {
                self.exit(withError: error)
            }
            Terminal.error(CLIFailure.line(CLIFailure.usageCode, self.message(for: error)))
            let usage = self.fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false)
                .drop { !$0.hasPrefix("Usage:") }
            if !usage.isEmpty { Terminal.error(usage.joined(separator: "\n")) }
            self.exit(withError: ExitCode.validationFailure)
        }
    }
}

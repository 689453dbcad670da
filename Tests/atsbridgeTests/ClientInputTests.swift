import ATSBridgeTestSupport
import Foundation
import Testing

/// Client commands given input they cannot use: a typed error and its exit code, never a crash,
/// a hang or a read without end. None of them needs a server (nothing listens on port 1).
@Suite struct ClientInputTests {
    let unreachable = ["ATSBRIDGE_SERVER": "127.0.0.1:1", "ATSBRIDGE_API_KEY": "client-input-key-0123456789"]

    /// Runs `command` in `sh`, with `ATSBRIDGE` standing for the CLI.
    func shell(_ command: String) async throws -> CLIProcess.Result {
        let cli = "'" + CLIProcess.executable.path + "'"
        return try await CLIProcess.run(
            ["-c", command.replacingOccurrences(of: "ATSBRIDGE", with: cli)],
            environment: self.unreachable,
            executable: URL(fileURLWithPath: "/bin/sh")
        )
    }

    @Test func aStandardOutputThatCannotBeWrittenIsCLIIO() async throws {
        let run = try await self.shell("exec ATSBRIDGE keygen > /dev/full")
        #expect(run.status == 74, "\(run.stderr)")
        #expect(run.stderr.contains("CLI.IO") && run.stderr.contains("standard output cannot be written"))
        #expect(!run.stderr.contains("Fatal error"))
        // A pipe whose reader is gone (`| head`): the command starts well after `true` ended.
        let closed = try await self.shell("(ATSBRIDGE keygen; echo \"status $?\" >&2) | true")
        #expect(closed.stderr.contains("status 74"), "\(closed.stderr)")
        #expect(closed.stderr.contains("standard output cannot be written"))
    }

    @Test func aPasswordOnStandardInputIsReadUpToItsLimit() async throws {
        let run = try await self.shell(
            "head -c 5000 /dev/zero | tr '\\0' x | ATSBRIDGE integrations rotate-credentials demo --password-stdin"
        )
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("the password on standard input is longer than 4096 bytes"))
    }

    /// An endless request on standard input is refused once past its limit, not read into memory.
    @Test func anEndlessRequestOnStandardInputIsRefused() async throws {
        let run = try await self.shell("ATSBRIDGE call AtsRead/GetCandidatePage - < /dev/zero")
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("the request on standard input is longer than"))
    }

    /// A NUL in a password cannot be sent (the codec refuses it): INPUT_INVALID, exit 65, and the
    /// password is not shown.
    @Test func aPasswordHoldingNULIsInvalidInput() async throws {
        let run = try await self.shell(
            "printf 'secret\\000part' | ATSBRIDGE integrations add --tenant-url http://127.0.0.1:1 --login l "
                + "--password-stdin"
        )
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("PLATFORM.INPUT_INVALID") && run.stderr.contains("NUL"))
        #expect(!run.stderr.contains("secret"))
    }

    /// Bytes that are not UTF-8 are refused, not replaced: a name, path or password sent
    /// altered would be a silent wrong write.
    @Test func inputThatIsNotUTF8IsRefusedNotAltered() async throws {
        let password = try await self.shell(
            "printf 'geheim\\377\\376' | ATSBRIDGE integrations add --tenant-url http://127.0.0.1:1 --login l "
                + "--password-stdin"
        )
        #expect(password.status == 64, "\(password.stderr)")
        #expect(password.stderr.contains("CLI.USAGE: the password on standard input is not valid UTF-8"))
        #expect(!password.stderr.contains("geheim"))
        let request = try await self.shell("printf '{\"id\": \"\\351\"}' | ATSBRIDGE call AtsRead/GetCandidate -")
        #expect(request.status == 64, "\(request.stderr)")
        #expect(request.stderr.contains("the request on standard input is not valid UTF-8"))
        let argument = try await self.shell(
            "ATSBRIDGE apply --job 1 --first-name \"$(printf 'Jana\\351')\" "
                + "--last-name N --email j@example.sk"
        )
        #expect(argument.status == 64, "\(argument.stderr)")
        #expect(argument.stderr.contains("CLI.USAGE: argument 5 is not valid UTF-8"))
        #expect(!argument.stderr.contains("Jana"))
    }

    /// A FIFO given as a TLS file would block the read until someone writes it.
    @Test func aTLSFileThatIsNotARegularFileIsRefused() async throws {
        let fifo = TemporaryFiles.unique("ca", extension: "pem").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let run = try await CLIProcess.run(
            ["ping", "--ca", fifo],
            environment: self.unreachable,
            timeout: .seconds(20)
        )
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("is not a regular file"))
    }

    /// A TLS setting that is neither yes nor no is not taken for plain TCP.
    @Test func anUnclearTLSSettingIsRefused() async throws {
        let run = try await CLIProcess.run(
            ["ping"],
            environment: self.unreachable.merging(["ATSBRIDGE_TLS": "maybe"]) { $1 }
        )
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("ATSBRIDGE_TLS must be"))
    }

    @Test func aTimeoutTooLongToCountIsRefused() async throws {
        let run = try await CLIProcess.run(["ping", "--timeout", "1e308"], environment: self.unreachable)
        #expect(run.status == 64 || run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("--timeout must be at most 36500d"))
    }
}

import ArgumentParser
import Testing

@testable import atsbridge

@Suite struct CommandLineTests {
    @Test func versionSubcommandParses() throws {
        let command = try ATSBridgeCommand.parseAsRoot(["version"])
        #expect(command is VersionCommand)
    }

    @Test func unknownFlagIsRejectedWithAClearMessage() {
        #expect(throws: (any Error).self) { try ATSBridgeCommand.parseAsRoot(["--no-such-flag"]) }
        let message = ATSBridgeCommand.message(for: CleanExit.helpRequest())
        #expect(message.isEmpty || message.contains("atsbridge"))
        do {
            _ = try ATSBridgeCommand.parseAsRoot(["--no-such-flag"])
        } catch {
            #expect(ATSBridgeCommand.message(for: error).contains("--no-such-flag"))
            #expect(ATSBridgeCommand.exitCode(for: error) != .success)
        }
    }

    @Test func helpNamesTheSubcommands() {
        let help = ATSBridgeCommand.helpMessage()
        #expect(help.contains("version"))
        #expect(help.contains("RECRU"))
    }

    @Test(arguments: [
        ["sandbox", "--size", "huge"], ["sandbox", "--error-rate", "2"], ["sandbox", "--port", "70000"],
        ["sandbox", "--jobseekers", "-1"], ["sandbox", "--seed", "abc"], ["sandbox", "--rate-limit", "0"],
        ["watch", "--count", "0"], ["serve", "--demo-size", "large"],
    ])
    func badSandboxFlagsAreRejectedClearly(arguments: [String]) {
        do {
            var command = try ATSBridgeCommand.parseAsRoot(arguments)
            try command.validate()
            Issue.record("\(arguments) should be rejected")
        } catch {
            #expect(ATSBridgeCommand.exitCode(for: error) != .success)
            #expect(!ATSBridgeCommand.message(for: error).isEmpty)
        }
    }

    @Test func sandboxHelpHasExamples() {
        let help = ATSBridgeCommand.helpMessage(for: SandboxCommand.self)
        #expect(help.contains("atsbridge sandbox --port 8480"))
    }
}

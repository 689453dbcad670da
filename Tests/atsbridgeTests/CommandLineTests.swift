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
}

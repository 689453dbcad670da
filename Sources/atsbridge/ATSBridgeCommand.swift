import ATSBridgeCore
import ArgumentParser

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
              atsbridge --version
              atsbridge sandbox --port 8480 --seed 7 --size medium
            """,
        version: ATSBridgeVersion.current,
        subcommands: [VersionCommand.self, SandboxCommand.self, DebugStoreLoadCommand.self]
    )
}

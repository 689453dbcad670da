import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ArgumentParser

/// `atsbridge ping`: is the server up, and which version is it.
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Check that the server answers, and show its version and the round-trip time.",
        discussion: """
            Examples:
              atsbridge ping --server 127.0.0.1:7420
              ATSBRIDGE_SERVER=atsbridge.internal:7420 atsbridge ping
            """
    )

    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await CLIFailure.run {
            try await self.client.withClient { client, options in
                let started = ContinuousClock.now
                let response = try await client.unary(HealthService.ping, PingRequest(), options: options)
                let elapsed = ContinuousClock.now - started
                let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
                Terminal.line(
                    "pong from \(try self.client.address()): ATSBridge \(response.serverVersion ?? "?") in \(micros) µs"
                )
            }
        }
    }
}

/// `atsbridge keygen`: a new credential key.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Print a new random credential key (64 hex digits) for --credential-key.",
        discussion: """
            Examples:
              export ATSBRIDGE_CREDENTIAL_KEY=$(atsbridge keygen)
            """
    )

    func run() {
        Terminal.line(CredentialVault.generateKey())
    }
}

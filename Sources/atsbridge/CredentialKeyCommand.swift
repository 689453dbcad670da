import ATSBridgeApp
import ATSBridgeCore
import ArgumentParser
import Foundation
import Logging

/// `atsbridge credential-key rotate`: re-seals every stored RECRU credential under a new
/// credential key, in one transaction, directly in the store (servers stopped).
struct CredentialKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential-key",
        abstract: "Rotate the key that seals RECRU credentials.",
        subcommands: [Rotate.self]
    )

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal every stored credential under a new key, in one transaction.",
            discussion: """
                Stop every server sharing the store first, rotate, then start them with the new key.
                The keys come from the environment (or files), never from flags: the current one from \
                ATSBRIDGE_CREDENTIAL_KEY, the new one from ATSBRIDGE_NEW_CREDENTIAL_KEY. If any credential \
                does not open with the current key, nothing is changed.

                Examples:
                  export ATSBRIDGE_NEW_CREDENTIAL_KEY=$(atsbridge keygen)
                  atsbridge credential-key rotate \\
                    --store sqlite:/var/lib/atsbridge/atsbridge.sqlite
                  export ATSBRIDGE_STORE='postgres://ats:…@db:5432/ats?sslmode=require'
                  atsbridge credential-key rotate
                """
        )
        @Option(
            help:
                "The store, sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB (default: $ATSBRIDGE_STORE or sqlite:./data/atsbridge.sqlite)."
        )
        var store: String?
        @Option(help: "A file holding the current key (default: $ATSBRIDGE_CREDENTIAL_KEY).") var currentKeyFile:
            String?
        @Option(help: "A file holding the new key (default: $ATSBRIDGE_NEW_CREDENTIAL_KEY).") var newKeyFile: String?

        func run() async throws {
            try await CLIFailure.run {
                let environment = ProcessInfo.processInfo.environment
                let current = try Self.key(file: self.currentKeyFile, variable: "ATSBRIDGE_CREDENTIAL_KEY", environment)
                let new = try Self.key(file: self.newKeyFile, variable: "ATSBRIDGE_NEW_CREDENTIAL_KEY", environment)
                let location: StoreLocation
                do {
                    location = try StoreLocation(
                        parsing: self.store ?? environment["ATSBRIDGE_STORE"] ?? "sqlite:./data/atsbridge.sqlite"
                    )
                } catch let error as ATSBridgeError {
                    throw CLIFailure.usage(error.message)
                }
                let rotation = CredentialKeyRotation(
                    from: try CredentialVault(encodedKey: current),
                    to: try CredentialVault(encodedKey: new)
                )
                if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
                    throw CLIFailure.usage("no store at \(path)")
                }
                var logger = Logger(label: "atsbridge.credential-key")
                logger.logLevel = .warning
                let count = try await location.open(logger: logger).use { store in
                    try await rotation.run(on: store, actor: "local:\(NSUserName())", at: WallClock.nowMilliseconds())
                }
                Terminal.line("re-sealed the credentials of \(count) integrations; start the servers with the new key")
            }
        }

        private static func key(file: String?, variable: String, _ environment: [String: String]) throws -> String {
            if let file {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CLIFailure.io("cannot read \(file)")
                }
                return try Terminal.text(data, what: file)
            }
            guard let value = environment[variable], !value.isEmpty else {
                throw CLIFailure.usage("set \(variable) (or give the key's file)")
            }
            return value
        }
    }
}

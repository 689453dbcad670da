import ATSBridgeCore
import ArgumentParser

/// `atsbridge version`: prints the version.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the ATSBridge version."
    )

    func run() {
        print("atsbridge \(ATSBridgeVersion.current)")
    }
}

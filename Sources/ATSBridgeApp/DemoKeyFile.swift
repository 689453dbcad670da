import ATSBridgeCore
import Foundation

/// The demo's credential key, kept in its data directory (mode 0600) so restarts reuse it.
enum DemoKeyFile {
    static func credentialKey(in directory: String) throws -> String {
        let path = directory + "/credential.key"
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let key = CredentialVault.generateKey()
            guard
                FileManager.default.createFile(
                    atPath: path,
                    contents: Data((key + "\n").utf8),
                    attributes: [.posixPermissions: 0o600]
                )
            else { throw CocoaError(.fileWriteUnknown) }
            return key
        } catch {
            throw ATSBridgeError(
                .storeUnavailable,
                "the demo's data directory \(directory) cannot be written",
                cause: error
            )
        }
    }
}

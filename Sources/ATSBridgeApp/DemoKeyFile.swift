import ATSBridgeCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The demo's credential key, kept in its data directory (folder 0700, file 0600) so restarts
/// reuse it.
enum DemoKeyFile {
    /// The key file's path in `directory`.
    static func path(in directory: String) -> String { directory + "/credential.key" }

    static func credentialKey(in directory: String) throws -> String {
        let path = self.path(in: directory)
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            let key = CredentialVault.generateKey()
            // Created 0600 by open(2) itself: written then chmod-ed, the key would be readable by others
            // for a moment.
            let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
            defer { close(descriptor) }
            let bytes = Array((key + "\n").utf8)
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == bytes.count else { throw CocoaError(.fileWriteUnknown) }
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

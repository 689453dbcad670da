import ATSBridgeCore
import Foundation
import Logging

/// The start-up check of data at rest: the store, its folder and key files must not be open to
/// the group or others. Warns, or with `strict_file_modes` refuses to start.
enum FileModeCheck {
    /// A file or folder that others may access, and its mode.
    struct Finding: Sendable, Hashable {
        var path: String
        var mode: Int
    }

    /// The existing `paths` whose mode grants the group or others any access.
    static func findings(_ paths: [String]) -> [Finding] {
        paths.compactMap { path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
            else { return nil }
            return mode & 0o077 == 0 ? nil : Finding(path: path, mode: mode & 0o777)
        }
    }

    /// Checks `paths`; logs a warning per finding, or throws when `strict`.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.FILE_PERMISSIONS_UNSAFE` naming the files, when
    ///   `strict` and any is open to others.
    static func check(_ paths: [String], strict: Bool, logger: Logger) throws {
        let findings = self.findings(paths)
        guard !findings.isEmpty else { return }
        let list = findings.map { "\($0.path) (mode \(String($0.mode, radix: 8)))" }.joined(separator: ", ")
        if strict {
            throw ATSBridgeError(
                .filePermissionsUnsafe,
                "files holding personal data or keys are open to other users: \(list); "
                    + "make them owner-only (chmod 600 files, 700 folders) or turn strict_file_modes off"
            )
        }
        for finding in findings {
            logger.warning(
                "a file holding personal data or keys is open to other users; make it owner-only",
                metadata: ["file.path": "\(finding.path)", "file.mode": "\(String(finding.mode, radix: 8))"]
            )
        }
    }
}

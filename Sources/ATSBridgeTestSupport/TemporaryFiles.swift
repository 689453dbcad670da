public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Temporary files and folders of one test process: all under one folder of the system's
/// temporary directory, removed when the process exits.
///
/// Each test used to leave its stores, exports and logs behind (about 50 MB a run of the suite).
/// A process that crashes cannot remove its folder; the next one to start removes the folders
/// of processes that no longer run, once unchanged for ``sweepAge`` (a test process in another
/// PID namespace sharing the folder would look ended).
public enum TemporaryFiles {
    private static let prefix = "atsbridge-tests-"
    /// How long a folder of an ended process stays before another test process removes it: longer
    /// than any run of the suite.
    public static let sweepAge: Duration = .seconds(6 * 3600)

    /// This process's folder, made at first use.
    public static let root: URL = {
        let temporary = FileManager.default.temporaryDirectory
        Self.removeFoldersOfEndedProcesses(in: temporary)
        let root = temporary.appendingPathComponent("\(Self.prefix)\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TemporaryFiles.root) }
        return root
    }()

    /// A new, unique path in ``root``: `name-UUID`, with `extension` when given. Nothing is
    /// created there.
    public static func unique(_ name: String, extension: String? = nil) -> URL {
        let path = Self.root.appendingPathComponent("\(name)-\(UUID().uuidString)")
        return `extension`.map { path.appendingPathExtension($0) } ?? path
    }

    /// Removes the folders in `temporary` of earlier test processes that are gone (crashed or
    /// killed) and that nothing changed for `age`; those of running processes stay.
    public static func removeFoldersOfEndedProcesses(in temporary: URL, unchangedFor age: Duration = Self.sweepAge) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        let cutoff = Date(timeIntervalSinceNow: -Double(age.components.seconds))
        for name in names where name.hasPrefix(Self.prefix) {
            let folder = temporary.appendingPathComponent(name)
            let pid = name.dropFirst(Self.prefix.count).prefix { $0 != "-" }
            guard let pid = pid_t(pid), pid > 0, kill(pid, 0) != 0, errno == ESRCH,
                let changed = (try? FileManager.default.attributesOfItem(atPath: folder.path))?[.modificationDate]
                    as? Date, changed < cutoff
            else { continue }
            try? FileManager.default.removeItem(at: folder)
        }
    }
}

import ATSBridgeCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SQLiteStore {
    /// The store's files, for permission checks: the database and its WAL and shared-memory
    /// files (which may not exist yet).
    public static func files(of path: String) -> [String] {
        [path, path + "-wal", path + "-shm"]
    }

    /// Creates the store's folder (0700) and an empty database file (0600) when missing, before
    /// SQLite opens it: SQLite would create the file 0644, and gives its `-wal` and `-shm` files
    /// the database file's mode. Existing files are left as they are (start-up checks them).
    static func createOwnerOnly(_ path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        }
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            closeDescriptor(descriptor)
        } else if errno != EEXIST {
            throw ATSBridgeError(.storeUnavailable, "the SQLite store at \(path) cannot be created (errno \(errno))")
        }
    }
}

/// The C library's `close`, which ``SQLiteStore/close()`` hides inside the store's extensions.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}

import ATSBridgeCore

#if canImport(Glibc)
import Glibc
#endif

/// Reads the PEM files of TLS settings (the server's and the client's) with errors that name
/// the setting and the file.
package enum PEMFile {
    /// Runs `body`, which reads `path`, after checking that the path is a regular file: a FIFO
    /// would block the read (and the process) until someone writes it, a device forever.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` naming `what` and `path`.
    package static func read<T>(_ what: String, _ path: String, _ body: () throws -> T) throws -> T {
        var info = stat()
        // A missing file is left to `body`, whose error says so.
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            throw ATSBridgeError(.inputInvalid, "\(what) \(path) is not a regular file")
        }
        do {
            return try body()
        } catch {
            throw ATSBridgeError(.inputInvalid, "\(what) \(path) cannot be read as PEM (\(error))", cause: error)
        }
    }
}

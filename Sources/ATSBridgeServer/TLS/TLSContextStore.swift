import ATSBridgeCore
import ATSBridgeRPC
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// The server's current TLS context. New connections take the context current when they are
/// accepted; connections already open keep theirs, so a reload never drops one.
final class TLSContextStore: Sendable {
    private struct Current: Sendable {
        var context: NIOSSLContext
        /// What the files looked like when they were read, to notice changes.
        var fingerprint: [FileFingerprint]
        /// When the first certificate of the chain stops being valid.
        var expiry: Date
    }

    let configuration: RPCServerTLS
    private let current: Mutex<Current>

    private init(configuration: RPCServerTLS, current: Current) {
        self.configuration = configuration
        self.current = Mutex(current)
    }

    /// Reads the files (on NIO's thread pool) and makes the first context.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` naming the file that cannot be read.
    static func load(_ configuration: RPCServerTLS) async throws -> TLSContextStore {
        let current = try await NIOThreadPool.singleton.runIfActive { try Self.read(configuration) }
        return TLSContextStore(configuration: configuration, current: current)
    }

    /// The context for a connection accepted now.
    var context: NIOSSLContext { self.current.withLock { $0.context } }

    /// When the certificate in use stops being valid.
    var certificateExpiry: Date { self.current.withLock { $0.expiry } }

    /// Re-reads the files (on NIO's thread pool, never on the caller's thread) and makes the
    /// result the context of new connections.
    ///
    /// - Parameter onlyIfChanged: Skip the reload when no file changed since the last read.
    /// - Returns: Whether the context was replaced.
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` when a file cannot be read or the
    ///   key does not match the certificate; the previous context stays in use.
    @discardableResult
    func reload(onlyIfChanged: Bool) async throws -> Bool {
        let configuration = self.configuration
        let previous = self.current.withLock { $0.fingerprint }
        let loaded = try await NIOThreadPool.singleton.runIfActive { () -> Current? in
            if onlyIfChanged, configuration.paths.map(FileFingerprint.init(path:)) == previous { return nil }
            return try Self.read(configuration)
        }
        guard let loaded else { return false }
        self.current.withLock { $0 = loaded }
        return true
    }

    /// The files' fingerprints, then the context. Blocking: reads files. A file replaced between
    /// the two reads is read again at the next check.
    private static func read(_ configuration: RPCServerTLS) throws -> Current {
        let fingerprint = configuration.paths.map(FileFingerprint.init(path:))
        let (context, expiry) = try self.makeContext(configuration)
        return Current(context: context, fingerprint: fingerprint, expiry: expiry)
    }

    /// A server context from the PEM files, and when its certificate expires. Blocking: reads
    /// files.
    static func makeContext(_ configuration: RPCServerTLS) throws -> (NIOSSLContext, expiry: Date) {
        let chain = try PEMFile.read("tls_cert", configuration.certificatePath) {
            try NIOSSLCertificate.fromPEMFile(configuration.certificatePath)
        }
        // The chain is as good as its first certificate to expire (an intermediate may).
        guard let firstExpiry = chain.map(\.notValidAfter).min() else {
            throw ATSBridgeError(.inputInvalid, "tls_cert \(configuration.certificatePath) holds no certificate")
        }
        let expiry = Date(timeIntervalSince1970: TimeInterval(firstExpiry))
        let key = try PEMFile.read("tls_key", configuration.privateKeyPath) {
            try NIOSSLPrivateKey(file: configuration.privateKeyPath, format: .pem)
        }
        var tls: TLSConfiguration
        if let caPath = configuration.clientCAPath {
            let roots = try PEMFile.read("tls_client_ca", caPath) { try NIOSSLCertificate.fromPEMFile(caPath) }
            guard !roots.isEmpty else {
                throw ATSBridgeError(.inputInvalid, "tls_client_ca \(caPath) holds no certificate")
            }
            // noHostnameVerification: the client's chain is verified and required, its name is not.
            tls = .makeServerConfigurationWithMTLS(
                certificateChain: chain.map { .certificate($0) },
                privateKey: .privateKey(key),
                trustRoots: .certificates(roots)
            )
        } else {
            tls = .makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) },
                privateKey: .privateKey(key)
            )
        }
        tls.minimumTLSVersion = .tlsv12
        do {
            return (try NIOSSLContext(configuration: tls), expiry)
        } catch {
            throw ATSBridgeError(
                .inputInvalid,
                "tls_cert and tls_key do not make a TLS context (does the key match the certificate?): \(error)",
                cause: error
            )
        }
    }
}

/// What identifies a file's version without reading it: inode, size and modification time.
struct FileFingerprint: Hashable, Sendable {
    var inode: UInt64?
    var size: Int?
    var modified: Date?

    /// Stats `path`; a missing file has an all-`nil` fingerprint.
    init(path: String) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        self.inode = (attributes?[.systemFileNumber] as? NSNumber)?.uint64Value
        self.size = (attributes?[.size] as? NSNumber)?.intValue
        self.modified = attributes?[.modificationDate] as? Date
    }
}

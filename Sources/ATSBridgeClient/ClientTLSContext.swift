import ATSBridgeCore
import ATSBridgeRPC
import NIOCore
import NIOPosix
import NIOSSL

/// The NIO side of ``RPCClientTLS``: a context made from the files, and the hostname to verify.
struct ClientTLSContext: Sendable {
    let context: NIOSSLContext
    /// The name sent as SNI and verified; `nil` for an IP address (verified against IP entries).
    let serverHostname: String?

    /// Reads the files on NIO's thread pool.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` naming a file that cannot be read,
    ///   or a certificate without its key.
    static func make(_ tls: RPCClientTLS, host: String) async throws -> ClientTLSContext {
        let context = try await NIOThreadPool.singleton.runIfActive { try Self.context(tls) }
        let name = tls.serverName ?? host
        // SNI cannot carry an IP address; NIOSSL then verifies the connected address instead.
        let isAddress = (try? SocketAddress(ipAddress: name, port: 0)) != nil
        return ClientTLSContext(context: context, serverHostname: isAddress ? nil : name)
    }

    private static func context(_ tls: RPCClientTLS) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let caPath = tls.caPath {
            let roots = try PEMFile.read("the CA file", caPath) { try NIOSSLCertificate.fromPEMFile(caPath) }
            guard !roots.isEmpty else {
                throw ATSBridgeError(.inputInvalid, "the CA file \(caPath) holds no certificate")
            }
            configuration.trustRoots = .certificates(roots)
        }
        switch (tls.certificatePath, tls.privateKeyPath) {
        case (let certificatePath?, let keyPath?):
            let chain = try PEMFile.read("the client certificate", certificatePath) {
                try NIOSSLCertificate.fromPEMFile(certificatePath)
            }
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(
                try PEMFile.read("the client key", keyPath) { try NIOSSLPrivateKey(file: keyPath, format: .pem) }
            )
        case (nil, nil):
            break
        default:
            throw ATSBridgeError(.inputInvalid, "a client certificate needs its key, and a key its certificate")
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw ATSBridgeError(
                .inputInvalid,
                "the client certificate and key do not make a TLS context (does the key match?): \(error)",
                cause: error
            )
        }
    }
}

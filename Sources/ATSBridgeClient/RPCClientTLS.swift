/// TLS to the server: whom to trust and, for servers that require client certificates, the
/// client's certificate and key. All files are PEM.
public struct RPCClientTLS: Sendable, Hashable {
    /// CA certificates the server's certificate must chain to, or `nil` for the system's trust
    /// store. Defaults to `nil`.
    public var caPath: String?
    /// The client's certificate chain, for servers that require one (mutual TLS).
    public var certificatePath: String?
    /// The client certificate's private key, unencrypted.
    public var privateKeyPath: String?
    /// The name the server's certificate must carry, when it differs from the host connected
    /// to; `nil` checks the host (a DNS name, or an IP address against the certificate's IP
    /// entries). Defaults to `nil`.
    public var serverName: String?

    /// Creates a TLS configuration.
    public init(
        caPath: String? = nil,
        certificatePath: String? = nil,
        privateKeyPath: String? = nil,
        serverName: String? = nil
    ) {
        self.caPath = caPath
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.serverName = serverName
    }
}

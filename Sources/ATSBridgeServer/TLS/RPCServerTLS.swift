/// TLS on the RPC port: the server's certificate and key, and optionally the CA that client
/// certificates must chain to (mutual TLS). All files are PEM.
public struct RPCServerTLS: Sendable, Hashable {
    /// The server's certificate chain, leaf first.
    public var certificatePath: String
    /// The server's private key, unencrypted.
    public var privateKeyPath: String
    /// CA certificates that client certificates must chain to; when set, a client without a
    /// valid certificate is refused during the handshake. Defaults to `nil` (no client
    /// certificates asked for).
    public var clientCAPath: String?
    /// How often the files are checked for changes (and re-read when they changed), or `nil`
    /// to re-read them only on ``RPCServer/reloadTLS()``. Defaults to 5 seconds.
    public var changeCheckInterval: Duration? = .seconds(5)

    /// Creates a TLS configuration.
    public init(certificatePath: String, privateKeyPath: String, clientCAPath: String? = nil) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
    }

    /// The files the context is made from.
    var paths: [String] { [self.certificatePath, self.privateKeyPath] + (self.clientCAPath.map { [$0] } ?? []) }
}

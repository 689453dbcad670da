#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket listening on a free loopback port that never accepts: the kernel completes
/// connections to it and nothing is ever sent back. It also holds its port, so that another
/// listener on it fails. Closed on ``close()``.
public final class SilentListener: Sendable {
    /// The port it listens on.
    public let port: Int
    private let descriptor: Int32

    /// Listens on a free port of 127.0.0.1.
    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && listen(descriptor, 16) == 0
                    && getsockname(descriptor, address, &length) == 0
            }
        }
        guard descriptor >= 0, listening else {
            if descriptor >= 0 { Glibc.close(descriptor) }
            throw SilentListenerError()
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Stops listening.
    public func close() {
        Glibc.close(self.descriptor)
    }
}

/// The socket could not be made to listen.
public struct SilentListenerError: Error {}

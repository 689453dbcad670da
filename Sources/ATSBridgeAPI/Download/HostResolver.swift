import ATSBridgeCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves host names with the system resolver, on NIO's thread pool (getaddrinfo blocks).
enum HostResolver {
    /// Every address `host` resolves to (a numeric host resolves to itself, in any of the forms
    /// the system accepts, such as `2130706433` for 127.0.0.1).
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.ATTACHMENT_DOWNLOAD_FAILED` when it resolves to
    ///   nothing.
    static func resolve(_ host: String) async throws -> [IPAddress] {
        let addresses = try await NIOThreadPool.singleton.runIfActive { Self.lookUp(host) }
        guard !addresses.isEmpty else {
            throw ATSBridgeError(.attachmentDownloadFailed, "its host does not resolve")
        }
        return addresses
    }

    private static func lookUp(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let entry = next {
            next = entry.pointee.ai_next
            guard let socketAddress = entry.pointee.ai_addr else { continue }
            switch Int32(socketAddress.pointee.sa_family) {
            case AF_INET:
                let bytes = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                }
                addresses.append(contentsOf: IPAddress(bytes: bytes).map { [$0] } ?? [])
            case AF_INET6:
                let bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
                addresses.append(contentsOf: IPAddress(bytes: bytes).map { [$0] } ?? [])
            default:
                continue
            }
        }
        return addresses
    }
}

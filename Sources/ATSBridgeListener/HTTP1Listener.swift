import ATSBridgeCore
package import NIOCore
package import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// One accepted HTTP/1.1 connection, as an async channel of request and response parts.
package typealias HTTP1Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

/// A listening HTTP/1.1 socket and its accept loop: the one transport of the RECRU sandbox,
/// the metrics endpoint and the tests' file server.
///
/// ``run(serve:onShutdown:)`` binds, announces the bound port through ``port``, serves every
/// connection in a child task of one discarding group, and stops accepting on graceful shutdown.
package final class HTTP1Listener: Sendable {
    /// The bound port, once bound; the bind error otherwise.
    package let port = ListeningPort()
    private let host: String
    private let requestedPort: Int
    private let name: String

    /// A listener on `host:port` (`0` picks a free port); `name` names it in a bind error.
    package init(name: String, host: String, port: Int) {
        self.name = name
        self.host = host
        self.requestedPort = port
    }

    /// Accepts connections until graceful shutdown, handing each to `serve`.
    ///
    /// - Parameter onShutdown: Runs when graceful shutdown starts, after the listening socket is
    ///   closed (for example to close idle kept-alive connections).
    /// - Throws: `ATSBridgeError` (`.unavailable`) when the address cannot be bound.
    package func run(
        serve: @escaping @Sendable (HTTP1Connection) async -> Void,
        onShutdown: @escaping @Sendable () -> Void = {}
    ) async throws {
        let server: NIOAsyncChannel<HTTP1Connection, Never>
        do {
            server = try await Self.bind(host: self.host, port: self.requestedPort)
        } catch {
            let address = self.host.contains(":") ? "[\(self.host)]" : self.host
            let failure = ATSBridgeError(
                .unavailable,
                "\(self.name) cannot listen on \(address):\(self.requestedPort)",
                cause: error
            )
            self.port.fail(failure)
            throw failure
        }
        self.port.succeed(server.channel.localAddress?.port ?? self.requestedPort)
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
            onShutdown()
        }
    }

    private static func bind(host: String, port: Int) async throws -> NIOAsyncChannel<HTTP1Connection, Never> {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try HTTP1Connection(wrappingChannelSynchronously: channel)
                }
            }
    }
}

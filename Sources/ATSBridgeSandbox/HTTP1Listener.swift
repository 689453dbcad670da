package import NIOCore
package import NIOHTTP1
import NIOPosix

/// A listening HTTP/1.1 socket whose connections are async channels: the sandbox's and the
/// metrics endpoint's transport.
package enum HTTP1Listener {
    /// Binds `host:port` (0 picks a free port) on the shared event loop group.
    package static func bind(host: String, port: Int) async throws
        -> NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
    }
}

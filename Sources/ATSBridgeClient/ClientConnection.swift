import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// One TCP (or TLS) connection of the client, and the handler that multiplexes calls on it.
final class ClientConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<ClientConnectionHandler>

    private init(channel: any Channel, handler: ClientConnectionHandler) {
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    }

    /// Connects, and returns once the TLS handshake (with `tls`) and the server's preface and
    /// SETTINGS are done.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.TLS_HANDSHAKE_FAILED` when TLS refused the server
    ///   or the server refused the client; otherwise the connection's error.
    static func connect(
        host: String,
        port: Int,
        tls: ClientTLSContext?,
        limits: ConnectionLimits,
        logger: Logger
    ) async throws -> ClientConnection {
        let recorder = TLSFailureRecorder()
        // Kept from the initializer: a server that refuses the connection (GOAWAY, then close)
        // may close the channel before a lookup after the connect could find the handler, and
        // the handler holds the refusal's reason.
        let installed = Mutex<NIOLoopBound<ClientConnectionHandler>?>(nil)
        // The handlers are installed before the socket connects, so the server's preface
        // cannot arrive before the decoder is there to read it.
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname)
                        )
                        try channel.pipeline.syncOperations.addHandler(recorder)
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(
                            FrameDecoder(maxFrameSize: limits.maxFrameSize, maxMessageSize: limits.maxMessageSize)
                        )
                    )
                    let handler = ClientConnectionHandler(limits: limits, logger: logger)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    installed.withLock { $0 = NIOLoopBound(handler, eventLoop: channel.eventLoop) }
                }
            }
            .connect(host: host, port: port)
            .get()
        do {
            guard let bound = installed.withLock({ $0 }) else { throw ChannelError.ioOnClosedChannel }
            let (connection, handshake) = try await channel.eventLoop.submit {
                (ClientConnection(channel: channel, handler: bound.value), bound.value.handshakeDone)
            }.get()
            try await handshake.get()
            return connection
        } catch {
            // A refused TLS handshake may close the channel before its handler is even looked up.
            try? await channel.close()
            guard tls != nil, let tlsFailure = recorder.failure else { throw error }
            throw ATSBridgeError(
                .tlsHandshakeFailed,
                "TLS with \(host):\(port) failed: \(tlsFailure) (is the CA right, and does the server need a client "
                    + "certificate?)",
                cause: error
            )
        }
    }

    /// Whether the connection is open (it may still refuse calls after a GOAWAY).
    var isActive: Bool { self.channel.isActive }

    /// Opens a call and returns the queue its events arrive on, without waiting for the event
    /// loop: a refusal arrives on the queue as its first event.
    func open(_ callOpen: CallOpen, request: [UInt8], timeout: Duration?, isUnary: Bool) -> ClientEventQueue {
        let queue = ClientEventQueue()
        self.channel.eventLoop.execute {
            self.handler.value.open(callOpen, request: request, timeout: timeout, isUnary: isUnary, queue: queue)
        }
        return queue
    }

    /// Grants the server `count` more messages on a call.
    func grant(_ queue: ClientEventQueue, _ count: Int) {
        self.channel.eventLoop.execute { self.handler.value.grant(queue, count) }
    }

    /// Cancels a call.
    func cancel(_ queue: ClientEventQueue) {
        self.channel.eventLoop.execute { self.handler.value.cancel(queue) }
    }

    /// Closes the connection.
    func close() async {
        try? await self.channel.close()
    }
}

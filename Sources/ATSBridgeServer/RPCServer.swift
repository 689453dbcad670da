public import ATSBridgeCore
public import ATSBridgeRPC
public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// The RPC server: accepts TCP connections and serves the router's methods on them.
///
/// A ServiceLifecycle `Service`: on graceful shutdown it stops accepting, sends GOAWAY on every
/// connection, lets running calls finish within the grace period, then cancels what remains.
public final class RPCServer: Service, Sendable {
    private struct State {
        var connections: [ObjectIdentifier: ConnectionHandle] = [:]
        var shuttingDown = false
    }

    private struct ConnectionHandle: @unchecked Sendable {
        // Only touched on `eventLoop` (NIOLoopBound would do, but the handler type is package).
        let handler: ServerConnectionHandler
        let eventLoop: any EventLoop
    }

    private let configuration: RPCServerConfiguration
    private let router: RPCRouter
    private let authenticator: any Authenticator
    private let logger: Logger
    private let group: any EventLoopGroup
    private let state = Mutex(State())
    private let boundPort = ListeningPort()

    /// Creates a server.
    ///
    /// - Parameters:
    ///   - configuration: Address, limits and timeouts.
    ///   - router: The methods to serve.
    ///   - authenticator: Checks the API key of every call.
    ///   - logger: The server's logger.
    ///
    /// The server runs on NIO's shared multi-threaded event loop group (one loop per core).
    public init(
        configuration: RPCServerConfiguration,
        router: RPCRouter,
        authenticator: any Authenticator,
        logger: Logger
    ) {
        self.configuration = configuration
        self.router = router
        self.authenticator = authenticator
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup.singleton
    }

    /// The port the server listens on, once it does.
    public func listeningPort() async throws -> Int {
        try await self.boundPort.value()
    }

    /// A connection as accepted: its channel, handler, and the calls the handler hands over.
    private struct AcceptedConnection: Sendable {
        let channel: any Channel
        let handle: ConnectionHandle
        let calls: AsyncStream<ServerCall>
    }

    /// Runs the server until graceful shutdown or cancellation.
    public func run() async throws {
        let channel: NIOAsyncChannel<AcceptedConnection, Never>
        do {
            channel = try await ServerBootstrap(group: self.group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 << 10, high: 1 << 20))
                .bind(host: self.configuration.host, port: self.configuration.port) { child in
                    child.eventLoop.makeCompletedFuture {
                        try self.setUp(child)
                    }
                }
        } catch {
            self.boundPort.announce(.failure(error))
            throw error
        }
        let port = channel.channel.localAddress?.port ?? self.configuration.port
        self.boundPort.announce(.success(port))
        self.logger.info("rpc server listening", metadata: ["rpc.port": "\(port)"])

        try await withGracefulShutdownHandler {
            try await self.acceptLoop(channel)
        } onGracefulShutdown: {
            self.logger.info("rpc server shutting down")
            channel.channel.close(promise: nil)
            self.drainConnections()
        }
    }

    /// Installs the frame decoder and the connection handler; runs on the child's event loop.
    private func setUp(_ child: any Channel) throws -> AcceptedConnection {
        let (calls, continuation) = AsyncStream.makeStream(of: ServerCall.self)
        let handler = ServerConnectionHandler(
            limits: self.configuration.connection,
            router: self.router,
            authenticator: self.authenticator,
            calls: continuation,
            logger: self.logger
        )
        let limits = self.configuration.connection
        try child.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(FrameDecoder(maxFrameSize: limits.maxFrameSize, maxMessageSize: limits.maxMessageSize))
        )
        try child.pipeline.syncOperations.addHandler(handler)
        return AcceptedConnection(
            channel: child,
            handle: ConnectionHandle(handler: handler, eventLoop: child.eventLoop),
            calls: calls
        )
    }

    private func acceptLoop(_ channel: NIOAsyncChannel<AcceptedConnection, Never>) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await channel.executeThenClose { inbound in
                for try await connection in inbound {
                    let open = self.state.withLock { $0.connections.count }
                    guard open < self.configuration.maxConnections else {
                        self.logger.warning("connection refused: too many connections")
                        connection.channel.close(promise: nil)
                        continue
                    }
                    group.addTask { await self.serve(connection) }
                }
            }
        }
    }

    private func serve(_ connection: AcceptedConnection) async {
        let key = ObjectIdentifier(connection.handle.handler)
        let shuttingDown = self.state.withLock { state in
            state.connections[key] = connection.handle
            return state.shuttingDown
        }
        if shuttingDown {
            let handle = connection.handle
            handle.eventLoop.execute { handle.handler.beginGracefulShutdown() }
        }
        // Frames are processed on the event loop; the connection's calls run in this task.
        await ServerCallRunner.run(connection.calls)
        try? await connection.channel.closeFuture.get()
        self.state.withLock { _ = $0.connections.removeValue(forKey: key) }
    }

    private func drainConnections() {
        let handles = self.state.withLock { state in
            state.shuttingDown = true
            return Array(state.connections.values)
        }
        for handle in handles {
            handle.eventLoop.execute { handle.handler.beginGracefulShutdown() }
        }
        let grace = self.configuration.shutdownGracePeriod.timeAmount
        for handle in handles {
            handle.eventLoop.scheduleTask(in: grace) { handle.handler.cancelRunningCalls() }
        }
    }
}

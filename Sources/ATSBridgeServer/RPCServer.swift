public import ATSBridgeCore
public import ATSBridgeRPC
import Foundation
public import Logging
import NIOCore
import NIOPosix
import NIOSSL
public import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The RPC server: accepts TCP connections (TLS ones with ``RPCServerConfiguration/tls``) and
/// serves the router's methods on them.
///
/// A ServiceLifecycle `Service`: on graceful shutdown it stops accepting, sends GOAWAY on every
/// connection, lets running calls finish within the grace period, then cancels what remains.
public final class RPCServer: Service, Sendable {
    private struct State {
        var connections: [ObjectIdentifier: ConnectionHandle] = [:]
        /// Connections admitted and not yet closed, counted when accepted (before they are
        /// served), so that a burst cannot exceed `maxConnections`.
        var admitted = 0
        /// Admitted connections by client address.
        var perAddress: [String: Int] = [:]
        var shuttingDown = false
        /// The TLS contexts, once `run` has read the files; `nil` without TLS.
        var tls: TLSContextStore?
    }

    private struct ConnectionHandle: @unchecked Sendable {
        // Only touched on `eventLoop` (NIOLoopBound would do, but the handler type is package).
        let handler: ServerConnectionHandler
        let eventLoop: any EventLoop
    }

    private let configuration: RPCServerConfiguration
    private let router: RPCRouter
    private let logger: Logger
    private let group: any EventLoopGroup
    private let state = Mutex(State())
    private let boundPort = AsyncOneShot<Int>()
    private let runner: ServerCallRunner
    private let budget: RequestMemoryBudget
    /// Pages read for calls and not yet written.
    private let readMemory: ReadMemoryBudget
    /// Refused connections being read before they close.
    private let lingeringConnections = LingeringConnections()

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
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup.singleton
        self.readMemory = ReadMemoryBudget(
            capacity: max(configuration.maxBufferedResponseBytes, 1),
            observe: { RPCMetrics.bufferedResponseBytes($0) },
            waited: { RPCMetrics.limitHit(.responseMemory) }
        )
        self.runner = ServerCallRunner(
            interceptors: [AuthorizationInterceptor(authenticator: authenticator)],
            admission: CallAdmission(
                requestsPerSecond: configuration.keyRequestsPerSecond,
                burst: configuration.keyRequestsPerSecond,
                maxConcurrentWrites: configuration.maxConcurrentWrites
            ),
            keyRecheckInterval: configuration.keyRecheckInterval,
            responseMemory: ResponseMemoryShares(
                server: self.readMemory,
                connectionCapacity: configuration.maxConnectionResponseBytes,
                keyCapacity: configuration.maxKeyResponseBytes
            )
        )
        self.budget = RequestMemoryBudget(capacity: configuration.maxBufferedRequestBytes)
    }

    /// The request bytes the server holds, now and at most so far (for tests and diagnostics).
    package var bufferedRequestBytes: (now: Int, peak: Int) { (self.budget.used, self.budget.peak) }

    /// The bytes of pages read and not yet sent, now and at most so far (for tests and
    /// diagnostics).
    package var bufferedResponseBytes: (now: Int, peak: Int) { (self.readMemory.used, self.readMemory.peak) }

    /// The port the server listens on, once it does.
    public func listeningPort() async throws -> Int {
        try await self.boundPort.value()
    }

    /// A connection as accepted: its channel, handler, and the calls the handler hands over;
    /// `nil` handler and calls for a connection refused over the limit.
    private struct AcceptedConnection: Sendable {
        let channel: any Channel
        let handle: ConnectionHandle?
        let calls: AsyncStream<ServerCall>?
    }

    /// Re-reads the TLS certificate, key and client CA. Connections accepted afterwards use
    /// the new files; open ones keep the context they were accepted with.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` when a file is unreadable or the key
    ///   does not match (the previous files stay in use), `PLATFORM.UNAVAILABLE` when the server
    ///   has no TLS or is not running yet.
    public func reloadTLS() async throws {
        guard let tls = self.state.withLock({ $0.tls }) else {
            throw ATSBridgeError(.unavailable, "the server has no TLS to reload (not configured, or not started)")
        }
        try await tls.reload(onlyIfChanged: false)
        self.logger.info("tls certificates reloaded")
        self.checkCertificateExpiry(tls)
    }

    /// How long before its certificate expires the server warns, at start and at each reload.
    static let certificateExpiryWarning: Duration = .seconds(14 * 24 * 3600)

    /// Warns when a certificate of the chain in use has expired (clients refuse it: nothing is
    /// served over TLS until it is replaced) or expires within ``certificateExpiryWarning``, and
    /// records the expiry as a gauge for alerts; at start, at each reload, and daily.
    private func checkCertificateExpiry(_ tls: TLSContextStore) {
        let expiry = tls.certificateExpiry
        RPCMetrics.tlsCertificateExpiry(expiry.timeIntervalSince1970)
        let remaining = expiry.timeIntervalSinceNow
        let metadata: Logger.Metadata = [LogKey.tlsCertificateExpiry: "\(expiry.formatted(.iso8601))"]
        if remaining <= 0 {
            self.logger.warning(
                "tls certificate has expired: clients refuse it until tls_cert is replaced",
                metadata: metadata
            )
        } else if remaining < Self.certificateExpiryWarning.fractionalSeconds {
            self.logger.warning(
                "tls certificate expires soon: replace tls_cert (a reload picks it up)",
                metadata: metadata
            )
        }
    }

    /// Runs the server until graceful shutdown or cancellation.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` when the TLS files cannot be read;
    ///   the bind's error when the address cannot be bound.
    public func run() async throws {
        let channel: NIOAsyncChannel<AcceptedConnection, Never>
        do {
            if let tls = self.configuration.tls {
                let store = try await TLSContextStore.load(tls)
                self.state.withLock { $0.tls = store }
                self.checkCertificateExpiry(store)
            } else if !Self.isLoopback(self.configuration.host) {
                self.logger.warning(
                    "rpc server listens on a non-loopback address without TLS; set tls_cert and tls_key",
                    metadata: [LogKey.rpcHost: "\(self.configuration.host)"]
                )
            }
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
                // A port in use or an address this host does not have: a typed error for the
                // operator (exit 69), not NIO's.
                let host = self.configuration.host
                let address = host.contains(":") ? "[\(host)]" : host
                let reason = (error as? IOError).map { ": " + String(cString: strerror($0.errnoCode)) } ?? ""
                throw ATSBridgeError(
                    .unavailable,
                    "the RPC server cannot listen on \(address):\(self.configuration.port)\(reason)",
                    cause: error
                )
            }
        } catch {
            self.boundPort.fail(error)
            throw error
        }
        let port = channel.channel.localAddress?.port ?? self.configuration.port
        self.boundPort.succeed(port)
        self.logger.info("rpc server listening", metadata: [LogKey.rpcPort: "\(port)"])

        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.acceptLoop(channel) }
                if let tls = self.state.withLock({ $0.tls }), let interval = tls.configuration.changeCheckInterval {
                    group.addTask { await self.watchFiles(tls, every: interval) }
                }
                // The accept loop ends the server; the watcher only ever ends with it.
                try await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.logger.info("rpc server shutting down")
            channel.channel.close(promise: nil)
            self.drainConnections()
        }
    }

    /// Installs TLS (when configured), the frame decoder and the connection handler, or, over
    /// the connection limit, a handler that refuses the connection; runs on the child's event loop.
    private func setUp(_ child: any Channel) throws -> AcceptedConnection {
        let limits = self.configuration.connection
        if let tls = self.state.withLock({ $0.tls }) {
            // The context current now: a later reload does not touch this connection.
            try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context))
        }
        let address = child.remoteAddress?.ipAddress ?? "unknown"
        let refusal = self.state.withLock { state -> RPCLimit? in
            guard state.admitted < self.configuration.maxConnections else { return .connections }
            guard state.perAddress[address, default: 0] < self.configuration.maxConnectionsPerAddress else {
                return .connectionsPerAddress
            }
            state.admitted += 1
            state.perAddress[address, default: 0] += 1
            return nil
        }
        if let refusal {
            RPCMetrics.limitHit(refusal)
            self.logger.warning("connection refused", metadata: [LogKey.rpcLimit: "\(refusal.rawValue)"])
            try child.pipeline.syncOperations.addHandler(
                ConnectionRefusalHandler(
                    limits: limits,
                    message: refusal == .connections ? "too many connections" : "too many connections from one address",
                    lingeringConnections: self.lingeringConnections
                )
            )
            return AcceptedConnection(channel: child, handle: nil, calls: nil)
        }
        child.closeFuture.whenComplete { _ in
            self.state.withLock { state in
                state.admitted -= 1
                state.perAddress[address, default: 1] -= 1
                if state.perAddress[address] == 0 { state.perAddress[address] = nil }
            }
        }
        let (calls, continuation) = AsyncStream.makeStream(of: ServerCall.self)
        let admission = RequestAdmission(budget: self.budget)
        let handler = ServerConnectionHandler(
            limits: limits,
            router: self.router,
            admission: admission,
            calls: continuation,
            logger: self.logger
        )
        try child.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(
                FrameDecoder(
                    maxFrameSize: limits.maxFrameSize,
                    maxMessageSize: limits.maxMessageSize,
                    admission: admission
                )
            )
        )
        try child.pipeline.syncOperations.addHandler(handler)
        return AcceptedConnection(
            channel: child,
            handle: ConnectionHandle(handler: handler, eventLoop: child.eventLoop),
            calls: calls
        )
    }

    /// Re-reads the TLS files when they change; a failed reload is logged and retried at the
    /// next change, with the previous files still in use.
    private func watchFiles(_ tls: TLSContextStore, every interval: Duration) async {
        // The expiry is checked again daily too: a server that runs for weeks is warned in time.
        var expiryChecked = ContinuousClock.now
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
                if try await tls.reload(onlyIfChanged: true) {
                    self.logger.info("tls certificates changed and were reloaded")
                    self.checkCertificateExpiry(tls)
                    expiryChecked = .now
                } else if ContinuousClock.now - expiryChecked >= .seconds(24 * 3600) {
                    self.checkCertificateExpiry(tls)
                    expiryChecked = .now
                }
            } catch is CancellationError {
                return
            } catch {
                self.logger.error(
                    "tls certificates changed but cannot be loaded; the previous ones stay in use",
                    metadata: [LogKey.errorDescription: "\(error)"]
                )
            }
        }
    }

    /// Whether `host` is a loopback name or address (`localhost`, `127.0.0.0/8`, `::1`).
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.") || host == "0:0:0:0:0:0:0:1"
    }

    private func acceptLoop(_ channel: NIOAsyncChannel<AcceptedConnection, Never>) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await channel.executeThenClose { inbound in
                for try await connection in inbound {
                    guard let handle = connection.handle, let calls = connection.calls else { continue }
                    // nil: no preference, the cooperative pool.
                    let executor: (any TaskExecutor)? =
                        self.configuration.runsCallsOnEventLoops ? EventLoopTaskExecutor(handle.eventLoop) : nil
                    group.addTask(executorPreference: executor) {
                        await self.serve(connection.channel, handle, calls)
                    }
                }
            }
        }
    }

    private func serve(_ channel: any Channel, _ handle: ConnectionHandle, _ calls: AsyncStream<ServerCall>) async {
        let key = ObjectIdentifier(handle.handler)
        let shuttingDown = self.state.withLock { state in
            state.connections[key] = handle
            return state.shuttingDown
        }
        if shuttingDown {
            handle.eventLoop.execute { handle.handler.beginGracefulShutdown() }
        }
        // Frames are processed on the event loop; the connection's calls run in this task.
        await self.runner.run(calls)
        try? await channel.closeFuture.get()
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
        let grace = TimeAmount(self.configuration.shutdownGracePeriod)
        for handle in handles {
            handle.eventLoop.scheduleTask(in: grace) { handle.handler.cancelRunningCalls() }
        }
    }
}

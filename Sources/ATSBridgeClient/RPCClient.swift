import ATSBridgeCore
public import ATSBridgeProto
import ATSBridgeRPC
public import Logging
import NIOCore
import Synchronization

/// The typed client of an ATSBridge server.
///
/// Calls are multiplexed on one TCP connection (TLS with ``RPCClientConfiguration/tls``), opened on first use and reopened with
/// exponential backoff when it drops.
///
/// ```swift
/// let client = RPCClient(configuration: .init(port: 7420, apiKey: key, integrationID: id))
/// let pong = try await client.unary(HealthService.ping, PingRequest())
/// for try await page in client.serverStreaming(AtsReadService.listCandidates, ListCandidatesRequest()) {
///     print(page.items.count)
/// }
/// await client.close()
/// ```
public final class RPCClient: Sendable {
    private enum ConnectionState {
        case idle
        /// A connection attempt is under way; other callers wait for its outcome.
        case connecting(AsyncOneShot<ClientConnection>)
        case ready(ClientConnection)
        case closed
    }

    /// The client's configuration.
    public let configuration: RPCClientConfiguration
    private let logger: Logger
    private let state = Mutex(ConnectionState.idle)

    /// Creates a client. It connects on the first call.
    ///
    /// On glibc the first client also raises the C heap's trim and mmap thresholds for the
    /// process (unless the environment sets them), so that decoding page after page does not
    /// return memory to the kernel and fault it back in each time.
    public init(configuration: RPCClientConfiguration, logger: Logger = Logger(label: "atsbridge.client")) {
        self.configuration = configuration
        self.logger = logger
        HeapTuning.tuneForStreaming()
    }

    /// Makes a unary call.
    ///
    /// - Throws: ``ATSBridgeError`` carrying the server's status code, dotted code and message,
    ///   or UNAVAILABLE / DEADLINE_EXCEEDED / CANCELLED raised locally.
    public func unary<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        _ request: Request,
        options: CallOptions = CallOptions()
    ) async throws -> Response {
        let (call, first) = try await self.start(
            method.fullName,
            encodedRequest: try Self.encode(request),
            options: options,
            isUnary: true
        )
        guard case .unaryResult(let buffer, let status)? = first else {
            call.cancel()
            throw Task.isCancelled
                ? ATSBridgeError(.cancelled, "the call was cancelled")
                : ATSBridgeError(.unavailable, "the call ended without a status")
        }
        guard status.code == .ok else { throw ATSBridgeError(status: status) }
        guard let buffer else {
            throw ATSBridgeError(.internalError, "the server ended a unary call without a response")
        }
        return try Self.decode(Response.self, buffer, limits: self.configuration.connection)
    }

    /// Runs `body` on the thread of this client's connection (connecting first if needed), for
    /// the lowest latency of calls made one after another.
    ///
    /// A call made from the cooperative pool hands its request to the connection's thread and
    /// its answer back, waking an idle thread each way. Inside `body` neither hand-off happens;
    /// on the project's 2-core VM the two wake-ups cost 10–50 µs of a round trip
    /// (docs/benchmarks.md).
    ///
    /// `body` must not block and should do little work between calls: while it runs, the
    /// connection's thread reads no other call's messages. Its child tasks (`async let`, task
    /// groups) run there too; unstructured tasks do not. Iterate large streams outside it, since
    /// the loop body and the decodes the consumer does itself would run on that thread. If the
    /// connection is replaced, `body` stays on the old connection's thread and its calls still
    /// work, with the hand-offs. Call it from nonisolated code: code isolated to an actor runs
    /// on that actor's executor whatever the preference.
    public func withCallsOnConnectionThread<T>(_ body: () async throws -> T) async throws -> T {
        let connection = try await self.connection()
        return try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.channel.eventLoop)) {
            try await body()
        }
    }

    /// Makes a server-streaming call. The call starts when iteration starts; credit is granted
    /// as the consumer iterates, and leaving the loop or cancelling the task cancels the call
    /// on the server.
    public func serverStreaming<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        _ request: Request,
        options: CallOptions = CallOptions()
    ) -> ResponseStream<Response> {
        ResponseStream(client: self, method: method.fullName, request: { try Self.encode(request) }, options: options)
    }

    /// Closes the connection; calls in flight fail with UNAVAILABLE. The client cannot be
    /// used afterwards.
    public func close() async {
        let previous = self.state.withLock { state -> ConnectionState in
            defer { state = .closed }
            return state
        }
        switch previous {
        case .ready(let connection):
            await connection.close()
        case .connecting(let attempt):
            attempt.fail(ATSBridgeError(.unavailable, "the client is closed"))
        case .idle, .closed:
            break
        }
    }

    // MARK: Internals

    /// A call sent on a connection, and the queue its events arrive on.
    struct OpenCall: Sendable {
        var connection: ClientConnection
        var events: ClientEventQueue

        /// Stops the call: CANCEL to the server unless it has ended.
        func cancel() { self.connection.cancel(self.events) }

        /// Grants the server `count` more messages.
        func grant(_ count: Int) { self.connection.grant(self.events, count) }
    }

    /// Sends a call and waits for its first event (`nil` when the call ended without one, or
    /// the task was cancelled). The caller does not wait for the event loop to open the call;
    /// a call that a connection refused before opening it (GOAWAY or close just then) is sent
    /// once more on a fresh connection.
    ///
    /// - Throws: the call's error when its first event is a failure.
    func start(_ method: String, encodedRequest: [UInt8], options: CallOptions, isUnary: Bool) async throws
        -> (OpenCall, ClientStreamEvent?)
    {
        let timeout = options.timeout ?? self.configuration.defaultTimeout
        let callOpen = CallOpen(
            method: method,
            timeoutMs: timeout.map { UInt64(max(1, $0 / .milliseconds(1))) },
            apiKey: self.configuration.apiKey,
            integrationID: options.integrationID ?? self.configuration.integrationID,
            idempotencyKey: options.idempotencyKey,
            requestID: options.requestID,
            metadata: options.metadata.sorted { $0.key < $1.key }.map { MetadataEntry(key: $0.key, value: $0.value) }
        )
        for attempt in 0..<2 {
            let connection = try await self.connection()
            let call = OpenCall(
                connection: connection,
                events: connection.open(callOpen, request: encodedRequest, timeout: timeout, isUnary: isUnary)
            )
            do {
                return (call, try await call.events.next())
            } catch let error as ATSBridgeError where error.code == .unavailable && call.events.streamID == nil {
                // Refused before it was sent: nothing reached the server.
                guard attempt == 0 else { throw error }
                self.discard(connection)
            } catch {
                call.cancel()
                throw error
            }
        }
        throw ATSBridgeError(.unavailable, "no connection accepts calls")
    }

    /// The request's bytes; a request the codec refuses (a string holding NUL, say) is the
    /// caller's input: `PLATFORM.INPUT_INVALID`, like the server's answer to it.
    static func encode<M: ProtoMessage>(_ request: M) throws(ATSBridgeError) -> [UInt8] {
        do {
            return try request.encode()
        } catch {
            throw ATSBridgeError(decoding: error)
        }
    }

    static func decode<M: ProtoMessage>(_ type: M.Type, _ buffer: ByteBuffer, limits: ConnectionLimits) throws -> M {
        var decodingLimits = DecodingLimits()
        decodingLimits.maxBytes = limits.maxMessageSize
        do {
            return try buffer.withUnsafeReadableBytes { try M(decoding: $0, limits: decodingLimits) }
        } catch let error as ProtoCodecError {
            throw ATSBridgeError(.internalError, "undecodable response: \(error.description)", cause: error)
        }
    }

    private func discard(_ connection: ClientConnection) {
        self.state.withLock { state in
            if case .ready(let current) = state, current === connection { state = .idle }
        }
    }

    private func connection() async throws -> ClientConnection {
        enum Next {
            case use(ClientConnection)
            case connect(AsyncOneShot<ClientConnection>)
            case wait(AsyncOneShot<ClientConnection>)
            case closed
        }
        let next: Next = self.state.withLock { state in
            switch state {
            case .ready(let connection) where connection.isActive:
                return .use(connection)
            case .ready, .idle:
                let attempt = AsyncOneShot<ClientConnection>()
                state = .connecting(attempt)
                return .connect(attempt)
            case .connecting(let attempt):
                return .wait(attempt)
            case .closed:
                return .closed
            }
        }
        switch next {
        case .use(let connection):
            return connection
        case .closed:
            throw ATSBridgeError(.unavailable, "the client is closed")
        case .wait(let attempt):
            return try await attempt.value()
        case .connect(let attempt):
            var result: Result<ClientConnection, any Error>
            do {
                result = .success(try await self.connectWithBackoff())
            } catch {
                result = .failure(error)
            }
            let closed = self.state.withLock { state -> Bool in
                guard case .connecting(let current) = state, current === attempt else { return true }
                switch result {
                case .success(let connection): state = .ready(connection)
                case .failure: state = .idle
                }
                return false
            }
            if closed, case .success(let connection) = result {
                // The client was closed while connecting: do not leak the new connection.
                await connection.close()
                result = .failure(ATSBridgeError(.unavailable, "the client is closed"))
            }
            attempt.complete(result)
            return try result.get()
        }
    }

    /// The last connection error in a few words: ATSBridge's message, or the error's type.
    private static func describe(_ error: any Error) -> String {
        (error as? ATSBridgeError)?.message ?? "\(type(of: error))"
    }

    private func connectWithBackoff() async throws -> ClientConnection {
        let backoff = self.configuration.backoff
        let giveUp = ContinuousClock.now + backoff.giveUpAfter
        var delay = backoff.initial
        var tls: ClientTLSContext?
        if let settings = self.configuration.tls {
            tls = try await ClientTLSContext.make(settings, host: self.configuration.host)
        }
        while true {
            do {
                return try await ClientConnection.connect(
                    host: self.configuration.host,
                    port: self.configuration.port,
                    tls: tls,
                    limits: self.configuration.connection,
                    logger: self.logger
                )
            } catch let error as ATSBridgeError where error.code == .tlsHandshakeFailed {
                // Certificates do not fix themselves: retrying would only delay the answer.
                throw error
            } catch let error as ATSBridgeError where error.code == .notATSBridgeServer {
                throw ATSBridgeError(
                    .notATSBridgeServer,
                    "\(self.configuration.host):\(self.configuration.port) is not an ATSBridge server"
                        + (tls == nil ? " (or it serves TLS: connect with TLS, e.g. --ca or --tls)" : ""),
                    cause: error
                )
            } catch {
                guard ContinuousClock.now + delay < giveUp else {
                    throw ATSBridgeError(
                        .unavailable,
                        "cannot connect to \(self.configuration.host):\(self.configuration.port) (\(Self.describe(error)))",
                        cause: error
                    )
                }
                // Jitter of up to 20 % keeps many clients from reconnecting in step.
                let jitter = Double.random(in: 0.8...1.0)
                try await Task.sleep(for: delay * jitter)
                delay = min(backoff.maximum, delay * backoff.multiplier)
            }
        }
    }
}

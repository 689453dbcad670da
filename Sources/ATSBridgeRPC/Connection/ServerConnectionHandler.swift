package import ATSBridgeCore
import ATSBridgeProto
package import Logging
package import NIOCore

/// The server side of one connection, on its event loop: feeds frames, timers and its calls'
/// writes to a ``ServerConnectionStateMachine`` and performs the actions it returns.
///
/// Calls that pass the connection's checks are handed to the connection's task through
/// `calls`, where ``ServerCallRunner`` authorizes and runs them; their frames come back
/// through ``ConnectionOutbound``.
package final class ServerConnectionHandler: ChannelDuplexHandler, FrameSink {
    package typealias InboundIn = FrameDecoder.Event
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    /// The I/O side of an open stream.
    private struct StreamIO {
        var stream: ServerStream
        var apiKey: String?
        var method: RegisteredMethod
        var context: ServerContext
        var deadlineTimer: Scheduled<Void>?
        var requestTimer: Scheduled<Void>?
        /// The request bytes the call holds, counted in the memory budgets until it ends.
        var requestBytes = 0
        /// Whether the call's task runs (and counts the call in the metrics itself).
        var running = false

        func cancelTimers() {
            self.deadlineTimer?.cancel()
            self.requestTimer?.cancel()
        }
    }

    private var machine: ServerConnectionStateMachine
    private let calls: AsyncStream<ServerCall>.Continuation
    private let logger: Logger
    private var streams: [UInt32: StreamIO] = [:]
    private var context: ChannelHandlerContext?
    private var outbound: ConnectionOutbound?
    private let flusher = FlushCoalescer()
    private var handshakeTimer: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?
    /// Armed while writes holding read memory wait for the socket: a peer whose socket takes
    /// none of them for the stall timeout is cut off, so that the memory is freed.
    private var heldWriteTimer: Scheduled<Void>?
    /// Writes holding read memory not yet written to the socket, and how many completed so far.
    private var heldWrites = 0
    private var heldWritesCompleted: UInt64 = 0
    /// Bytes handed to the channel so far: with the channel's buffered bytes, what the socket took.
    private var bytesEnqueued = 0
    /// Set once the socket is closing: nothing more is written.
    private var closing = false
    private let handshakeTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let limits: ConnectionLimits
    private let methodNames: Set<String>
    private let admission: RequestAdmission
    /// Request bytes held by this connection's calls.
    private var bufferedRequestBytes = 0
    /// A read the channel asked for while reading was paused; issued when it resumes.
    private var pendingRead = false
    private var pings: TokenBucket

    package init(
        limits: ConnectionLimits,
        router: RPCRouter,
        admission: RequestAdmission = RequestAdmission(budget: RequestMemoryBudget(capacity: .max)),
        calls: AsyncStream<ServerCall>.Continuation,
        logger: Logger
    ) {
        self.machine = ServerConnectionStateMachine(limits: limits, methods: router.methods)
        self.handshakeTimeout = TimeAmount(limits.handshakeTimeout)
        self.idleTimeout = TimeAmount(limits.idleTimeout)
        self.limits = limits
        self.methodNames = Set(router.methods.keys)
        self.admission = admission
        let rate = Double(max(limits.maxPingsPerSecond, 1))
        self.pings = TokenBucket(rate: rate, burst: rate, now: .now)
        self.calls = calls
        self.logger = logger
    }

    // MARK: Channel events

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.outbound = ConnectionOutbound(
            eventLoop: context.eventLoop,
            allocator: context.channel.allocator,
            sink: self,
            stallTimeout: self.limits.creditStallTimeout
        )
        if context.channel.isActive { self.start(context: context) }
    }

    package func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard let settings = self.machine.start() else { return }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        buffer.writeOpening(settings: settings)
        context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
        self.handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: self.handshakeTimeout) {
            [weak self] in
            guard let self else { return }
            let action = self.machine.handshakeTimedOut()
            if case .closeConnection = action { RPCMetrics.limitHit(.handshakeTimeout) }
            self.perform(action)
        }
    }

    package func channelInactive(context: ChannelHandlerContext) {
        self.machine.closed()
        self.closing = true
        self.handshakeTimer?.cancel()
        self.idleTimer?.cancel()
        self.heldWriteTimer?.cancel()
        let streams = self.streams
        self.streams.removeAll()
        for io in streams.values {
            io.cancelTimers()
            io.stream.finishSilently()
            io.stream.cancel(.connectionClosed)
            self.admission.budget.release(io.requestBytes)
        }
        self.bufferedRequestBytes = 0
        // A MESSAGE cut off by the close still holds its reservation.
        self.admission.budget.release(self.admission.take())
        self.outbound?.writability.close(CancellationError())
        self.calls.finish()
        context.fireChannelInactive()
    }

    package func channelWritabilityChanged(context: ChannelHandlerContext) {
        self.outbound?.writability.setWritable(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let violation = error as? ProtocolViolation {
            self.logger.debug("protocol violation", metadata: [LogKey.rpcViolation: "\(violation.message)"])
            self.violated(violation)
        } else {
            self.logger.debug("connection error", metadata: [LogKey.errorType: "\(type(of: error))"])
            self.perform(self.machine.violated(ProtocolViolation(.unavailable, "connection error", silent: true)))
        }
    }

    /// Applies a connection error, counting the limit it went over (once: not on a connection
    /// already closing).
    private func violated(_ violation: ProtocolViolation) {
        if let limit = violation.limit, !self.closing { RPCMetrics.limitHit(limit) }
        self.perform(self.machine.violated(violation))
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .preface:
            self.machine.receivedPreface()
        case .oversizedMessage(let streamID, let length):
            RPCMetrics.limitHit(.messageSize)
            self.perform(self.machine.receivedOversizedMessage(streamID: streamID, length: length))
        case .refusedMessage(let streamID, let length):
            self.perform(self.machine.receivedRefusedMessage(streamID: streamID, length: length))
        case .frame(let frame) where frame.type == .message:
            // The decoder reserved its bytes; the call takes them over, or they go back now.
            let reserved = self.admission.take()
            let action = self.machine.receivedFrame(frame)
            if case .runCall(let streamID, _) = action, self.streams[streamID] != nil {
                self.streams[streamID]?.requestBytes = reserved
                self.holdRequest(reserved)
            } else {
                self.admission.budget.release(reserved)
            }
            self.perform(action)
        case .frame(let frame):
            if frame.type == .ping, !frame.flags.contains(.ack), !self.pings.take(now: .now) {
                // Counted once: PINGs read after the first one over the rate are the same flood,
                // on a connection already closing.
                guard !self.closing else { return }
                self.violated(
                    ProtocolViolation(
                        .resourceExhausted,
                        "more than \(self.limits.maxPingsPerSecond) PINGs a second",
                        limit: .pingFlood
                    )
                )
                return
            }
            let action = self.machine.receivedFrame(frame)
            if frame.type == .callOpen, case .refuseCall(_, let status) = action.withoutLimit {
                RPCMetrics.callRefused(method: self.methodName(frame), code: status.code)
            }
            self.perform(action)
        }
    }

    /// The method a CALL_OPEN names, as a metric label: `unknown` unless the server serves it.
    private func methodName(_ frame: Frame) -> String {
        guard let open = try? CallOpen(decoding: Array(frame.payload.readableBytesView)),
            self.methodNames.contains(open.method)
        else { return "unknown" }
        return open.method
    }

    // MARK: Backpressure

    /// Holds the channel's reads while this connection's calls hold as many request bytes as a
    /// connection may: the peer's further bytes wait in its socket, not in memory. (The
    /// server-wide budget refuses messages instead, so that one client's stalled calls cannot
    /// stop other connections from reading.)
    package func read(context: ChannelHandlerContext) {
        if self.bufferedRequestBytes < self.limits.maxBufferedRequestBytes {
            context.read()
        } else {
            self.pendingRead = true
        }
    }

    /// Issues the read held back while paused, if reading may go on now.
    private func resumeReading() {
        guard self.pendingRead, !self.closing, let context = self.context,
            self.bufferedRequestBytes < self.limits.maxBufferedRequestBytes
        else { return }
        self.pendingRead = false
        context.read()
    }

    /// Counts `bytes` of a new request (reserved in the server's budget) against the connection.
    private func holdRequest(_ bytes: Int) {
        let wasFull = self.bufferedRequestBytes >= self.limits.maxBufferedRequestBytes
        self.bufferedRequestBytes += bytes
        if !wasFull, self.bufferedRequestBytes >= self.limits.maxBufferedRequestBytes {
            RPCMetrics.limitHit(.connectionRequestMemory)
        }
    }

    /// Releases a stream's request bytes (it ended) and resumes reading if it was paused.
    private func releaseRequest(of io: StreamIO) {
        guard io.requestBytes > 0 else { return }
        self.bufferedRequestBytes -= io.requestBytes
        self.admission.budget.release(io.requestBytes)
        self.resumeReading()
    }

    // MARK: Actions

    private func perform(_ action: ServerConnectionStateMachine.Action) {
        switch action {
        case .none:
            break
        case .limitHit(let limit, let then):
            RPCMetrics.limitHit(limit)
            self.perform(then)
        case .handshakeComplete:
            self.handshakeTimer?.cancel()
            self.handshakeTimer = nil
            self.armIdleTimer()
        case .closeConnection(let goAway):
            if let goAway { self.write(frame: .goAway, goAway) }
            self.closeConnection()
        case .sendGoAway(let goAway):
            self.write(frame: .goAway, goAway)
        case .refuseCall(let streamID, let status):
            self.write(frame: .status, status, streamID: streamID)
        case .openCall(let opened):
            self.openCall(opened)
        case .runCall(let streamID, let request):
            guard var io = self.streams[streamID] else { return }
            io.requestTimer?.cancel()
            io.requestTimer = nil
            io.running = true
            self.streams[streamID] = io
            self.calls.yield(
                ServerCall(
                    stream: io.stream,
                    method: io.method,
                    request: RequestBytes(Array(request.readableBytesView)),
                    context: io.context,
                    apiKey: io.apiKey
                )
            )
        case .resetStream(let streamID, let frameType, let status, let cancelHandler, let then):
            if let io = self.streams[streamID] {
                if !io.running { RPCMetrics.callRefused(method: io.context.method, code: status.code) }
                io.stream.finish(status, as: frameType)
                if cancelHandler { io.stream.cancel(.clientCancelled) }
            }
            self.perform(then)
        case .grantCredit(let streamID, let count):
            self.streams[streamID]?.stream.grant(count)
        case .cancelCall(let streamID, let then):
            if let io = self.streams[streamID] {
                io.stream.finishSilently()
                io.stream.cancel(.clientCancelled)
            }
            self.perform(then)
        case .pong(let payload):
            guard let allocator = self.context?.channel.allocator else { return }
            var buffer = allocator.buffer(capacity: Frame.headerSize + payload.readableBytes)
            buffer.writeFrame(type: .ping, flags: .ack, streamID: 0, payload: payload.readableBytesView)
            self.write(buffer)
        }
    }

    private func perform(_ after: ServerConnectionStateMachine.AfterStreamClosed) {
        switch after {
        case .none: break
        case .armIdleTimer: self.armIdleTimer()
        case .closeConnection: self.closeConnection()
        }
    }

    private func openCall(_ opened: ServerConnectionStateMachine.OpenedCall) {
        guard let outbound = self.outbound, let eventLoop = self.context?.eventLoop else { return }
        let open = opened.open
        var extra: [String: String] = [:]
        for entry in open.metadata { extra[entry.key] = entry.value ?? "" }
        let metadata = CallMetadata(
            integrationID: open.integrationID,
            idempotencyKey: open.idempotencyKey,
            requestID: open.requestID,
            extra: extra
        )
        var logger = self.logger
        logger[metadataKey: "rpc.method"] = "\(open.method)"
        if let requestID = open.requestID { logger[metadataKey: "rpc.request_id"] = "\(requestID)" }
        let timeout = open.timeoutMs.map { Duration.milliseconds(Int64(clamping: $0)) }
        let context = ServerContext(
            method: open.method,
            metadata: metadata,
            principal: .anonymous,
            deadline: timeout.map { ContinuousClock.now + $0 },
            logger: logger
        )
        let stream = ServerStream(
            id: opened.streamID,
            outbound: outbound,
            initialCredit: opened.initialCredit,
            maxMessageSize: opened.maxResponseSize
        )
        var io = StreamIO(stream: stream, apiKey: open.apiKey, method: opened.method, context: context)
        let streamID = opened.streamID
        if let timeout {
            io.deadlineTimer = eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) { [weak self] in
                if self?.streams[streamID]?.running == false {
                    RPCMetrics.callRefused(method: open.method, code: .deadlineExceeded)
                }
                stream.finish(ATSBridgeError(.deadlineExceeded, "the call's deadline passed").status)
                stream.cancel(.deadlineExceeded)
            }
        }
        io.requestTimer = eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(self.limits.requestTimeout)) {
            [weak self] in
            self?.requestTimedOut(streamID)
        }
        self.streams[opened.streamID] = io
        self.idleTimer?.cancel()
        self.idleTimer = nil
    }

    /// The request of `streamID` did not arrive in time; while reading is paused by the memory
    /// budgets the request may be unread in the socket, so the timer starts again.
    private func requestTimedOut(_ streamID: UInt32) {
        guard self.streams[streamID] != nil, let eventLoop = self.context?.eventLoop else { return }
        if self.pendingRead {
            self.streams[streamID]?.requestTimer = eventLoop.assumeIsolated().scheduleTask(
                in: TimeAmount(self.limits.requestTimeout)
            ) { [weak self] in self?.requestTimedOut(streamID) }
            return
        }
        self.perform(self.machine.requestTimedOut(streamID))
    }

    // MARK: Writes

    package func enqueue(
        _ buffer: ByteBuffer,
        streamID: UInt32,
        messages: Int,
        finishing: Bool,
        memory: ReadMemoryCharge?
    ) {
        if buffer.readableBytes > 0 { self.write(buffer, memory: memory) }
        self.machine.sentMessages(messages, streamID: streamID)
        guard finishing else { return }
        if let io = self.streams.removeValue(forKey: streamID) {
            io.cancelTimers()
            self.releaseRequest(of: io)
        }
        self.perform(self.machine.streamFinished(streamID))
    }

    package func requestDecoded(streamID: UInt32) {
        guard let io = self.streams[streamID] else { return }
        // Zeroed first: whatever releasing sets off (reading resumes), the bytes go back once.
        self.streams[streamID]?.requestBytes = 0
        self.releaseRequest(of: io)
    }

    /// Writes `buffer` unless the connection is closing; `memory` is released once it is out.
    private func write(_ buffer: ByteBuffer, memory: ReadMemoryCharge? = nil) {
        guard let context = self.context, !self.closing else { return }
        // Armed before the bytes are counted: its first look back sees them as added since.
        if memory != nil, self.heldWriteTimer == nil { self.armHeldWriteTimer() }
        self.bytesEnqueued &+= buffer.readableBytes
        guard let memory else { return self.flusher.write(buffer, context: context) }
        let written = context.eventLoop.makePromise(of: Void.self)
        self.heldWrites += 1
        written.futureResult.assumeIsolated().whenComplete { [weak self] _ in
            memory.release()
            guard let self else { return }
            self.heldWrites -= 1
            self.heldWritesCompleted &+= 1
        }
        self.flusher.write(buffer, context: context, promise: written)
    }

    /// The bytes waiting in the channel for the socket, when the channel tells.
    private var bufferedBytes: Int? {
        try? self.context?.channel.syncOptions?.getOption(.bufferedWritableBytes)
    }

    /// The least a socket must take in one stall timeout (unless it takes all there is) for its
    /// peer to count as reading: a peer that trickles bytes would otherwise pin what is queued
    /// for it, and the read memory that holds, for as long as it likes.
    static let minimumDrain = 64 << 10

    /// Checks, every stall timeout while writes hold read memory, that the socket took at least
    /// ``minimumDrain`` bytes meanwhile, or all there was (the channel's buffered bytes against
    /// what was added; where the channel does not tell, a write that completed counts); a peer
    /// that does not is cut off, as nothing (not even a GOAWAY) would reach it, and reads
    /// waiting for the memory it holds would wait for the idle timeout.
    private func armHeldWriteTimer() {
        guard let eventLoop = self.context?.eventLoop else { return }
        let seen = (completed: self.heldWritesCompleted, buffered: self.bufferedBytes, enqueued: self.bytesEnqueued)
        self.heldWriteTimer = eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(self.limits.creditStallTimeout)) {
            [weak self] in
            guard let self else { return }
            self.heldWriteTimer = nil
            guard self.heldWrites > 0, !self.closing else { return }
            let reading: Bool
            if let before = seen.buffered, let now = self.bufferedBytes {
                let offered = before + (self.bytesEnqueued &- seen.enqueued)
                reading = now == 0 || offered - now >= min(Self.minimumDrain, offered)
            } else {
                reading = self.heldWritesCompleted != seen.completed
            }
            guard !reading else { return self.armHeldWriteTimer() }
            RPCMetrics.limitHit(.connectionStall)
            self.logger.notice("closing a connection whose peer read (next to) nothing for the stall timeout")
            self.context?.close(promise: nil)
        }
    }

    private func write(frame type: FrameType, _ message: some ProtoMessage, streamID: UInt32 = 0) {
        guard let allocator = self.context?.channel.allocator else { return }
        var buffer = allocator.buffer(capacity: 64)
        try? buffer.writeFrame(type: type, streamID: streamID, message: message)
        self.write(buffer)
    }

    private func armIdleTimer() {
        guard let eventLoop = self.context?.eventLoop else { return }
        self.idleTimer?.cancel()
        self.idleTimer = eventLoop.assumeIsolated().scheduleTask(in: self.idleTimeout) { [weak self] in
            guard let self else { return }
            let action = self.machine.idleTimedOut()
            if case .closeConnection = action { RPCMetrics.limitHit(.idleTimeout) }
            self.perform(action)
        }
    }

    // MARK: Shutdown

    /// Starts a graceful shutdown: GOAWAY, no new calls, close when running calls are done.
    /// Must be called on the event loop.
    package func beginGracefulShutdown() {
        self.perform(self.machine.beginGracefulShutdown())
        // Streams that never end by themselves would hold the shutdown for the whole grace
        // period: they end now, with a status that says why.
        for io in self.streams.values where io.method.endsOnShutdown {
            io.stream.cancel(.shutdown)
        }
    }

    /// Cancels every running call (the grace period is over). Must be called on the event loop.
    package func cancelRunningCalls() {
        for io in self.streams.values {
            io.stream.cancel(.shutdown)
        }
    }

    private func closeConnection() {
        guard let context = self.context, !self.closing else { return }
        self.closing = true
        self.handshakeTimer?.cancel()
        self.idleTimer?.cancel()
        // Calls still running (a connection error) stop now: nothing they write would be sent.
        for io in self.streams.values {
            io.stream.finishSilently()
            io.stream.cancel(.connectionClosed)
        }
        // Closing at once would drop what is still queued for a peer that paused reading: the
        // last messages, a STATUS, the GOAWAY. An empty write completes after everything
        // written before it, so the close waits for that, or for the stall timeout at most.
        let channel = context.channel
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(self.wrapOutboundOut(channel.allocator.buffer(capacity: 0)), promise: written)
        let giveUp = context.eventLoop.scheduleTask(in: TimeAmount(self.limits.creditStallTimeout)) {
            channel.close(promise: nil)
        }
        written.futureResult.whenComplete { _ in
            giveUp.cancel()
            channel.close(promise: nil)
        }
    }
}

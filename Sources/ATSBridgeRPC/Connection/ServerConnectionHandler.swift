package import ATSBridgeCore
package import ATSBridgeProto
package import Logging
package import NIOCore

/// The server side of one connection, on its event loop: handshake, stream bookkeeping, credit,
/// authentication, and the protocol's error rules (docs/protocol.md).
///
/// Calls that pass the checks are handed to the connection's task through `calls`, where
/// ``ServerCallRunner`` runs them; their frames come back through ``ConnectionOutbound``.
package final class ServerConnectionHandler: ChannelDuplexHandler, FrameSink {
    package typealias InboundIn = FrameDecoder.Event
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    private enum Phase {
        case awaitingPreface
        case awaitingSettings
        case active
        case draining
        case closed
    }

    private struct StreamEntry {
        var stream: ServerStream
        var method: RegisteredMethod
        var context: ServerContext
        var requestReceived = false
        var deadlineTimer: Scheduled<Void>?
    }

    private let limits: ConnectionLimits
    private let router: RPCRouter
    private let authenticator: any Authenticator
    private let calls: AsyncStream<ServerCall>.Continuation
    private var logger: Logger

    private var phase = Phase.awaitingPreface
    private var streams: [UInt32: StreamEntry] = [:]
    private var highestStreamID: UInt32 = 0
    private var peerInitialCredit = 32
    private var context: ChannelHandlerContext?
    private var outbound: ConnectionOutbound?
    private let flusher = FlushCoalescer()
    private var handshakeTimer: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?

    package init(
        limits: ConnectionLimits,
        router: RPCRouter,
        authenticator: any Authenticator,
        calls: AsyncStream<ServerCall>.Continuation,
        logger: Logger
    ) {
        self.limits = limits
        self.router = router
        self.authenticator = authenticator
        self.calls = calls
        self.logger = logger
    }

    // MARK: Channel events

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.outbound = ConnectionOutbound(
            eventLoop: context.eventLoop,
            allocator: context.channel.allocator,
            sink: self
        )
        if context.channel.isActive { self.start(context: context) }
    }

    package func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard self.handshakeTimer == nil, self.phase == .awaitingPreface else { return }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        buffer.writeBytes(ConnectionPreface.bytes)
        let settings = Settings(
            maxFrameSize: UInt32(clamping: self.limits.maxFrameSize),
            maxConcurrentStreams: UInt32(clamping: self.limits.maxConcurrentStreams),
            initialCredit: 1,
            maxMessageSize: UInt32(clamping: self.limits.maxMessageSize)
        )
        try? buffer.writeFrame(type: .settings, streamID: 0, message: settings)
        context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
        self.handshakeTimer = context.eventLoop.scheduleTask(in: self.limits.handshakeTimeout.timeAmount) {
            [weak self] in
            guard let self, self.phase == .awaitingPreface || self.phase == .awaitingSettings else { return }
            self.logger.debug("handshake timed out")
            self.closeConnection()
        }
    }

    package func channelInactive(context: ChannelHandlerContext) {
        self.phase = .closed
        self.handshakeTimer?.cancel()
        self.idleTimer?.cancel()
        for entry in self.streams.values {
            entry.deadlineTimer?.cancel()
            entry.stream.finishSilently()
            entry.stream.cancel(.connectionClosed)
        }
        self.streams.removeAll()
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
            self.fail(violation)
        } else {
            self.logger.debug("connection error", metadata: ["error.type": "\(type(of: error))"])
            self.closeConnection()
        }
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.phase != .closed else { return }
        switch self.unwrapInboundIn(data) {
        case .preface:
            self.phase = .awaitingSettings
        case .oversizedMessage(let streamID, let length):
            self.resetStream(
                streamID,
                ATSBridgeError(.resourceExhausted, "message of \(length) bytes exceeds the limit").status
            )
        case .frame(let frame):
            if self.phase == .awaitingSettings, frame.type != .settings {
                self.fail(ProtocolViolation(.invalidArgument, "expected SETTINGS, got \(frame.type)"))
                return
            }
            self.handle(frame)
        }
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    // MARK: Frames

    private func handle(_ frame: Frame) {
        switch frame.type {
        case .settings:
            self.handleSettings(frame)
        case .callOpen:
            self.handleCallOpen(frame)
        case .message:
            self.handleMessage(frame)
        case .credit:
            self.handleCredit(frame)
        case .cancel:
            self.handleCancel(frame)
        case .ping:
            self.handlePing(frame)
        case .goAway:
            // The client will open no more calls; running calls finish normally.
            break
        case .status:
            self.fail(ProtocolViolation(.invalidArgument, "clients do not send STATUS"))
        default:
            // Unknown types: ignored on the connection, reset on an open stream.
            if frame.streamID != 0, self.streams[frame.streamID] != nil {
                self.resetStream(
                    frame.streamID,
                    ATSBridgeError(.inputInvalid, "unknown frame type \(frame.type.rawValue)").status,
                    cancel: true
                )
            }
        }
    }

    private func handleSettings(_ frame: Frame) {
        guard frame.streamID == 0 else {
            self.fail(ProtocolViolation(.invalidArgument, "SETTINGS on a stream"))
            return
        }
        guard let settings = try? Settings(decoding: Array(frame.payload.readableBytesView)) else {
            self.fail(ProtocolViolation(.invalidArgument, "undecodable SETTINGS"))
            return
        }
        if let credit = settings.initialCredit { self.peerInitialCredit = Int(credit) }
        if self.phase == .awaitingSettings {
            self.phase = .active
            self.handshakeTimer?.cancel()
            self.handshakeTimer = nil
            self.armIdleTimer()
        }
    }

    private func handleCallOpen(_ frame: Frame) {
        let id = frame.streamID
        guard id != 0, id > self.highestStreamID else {
            self.fail(
                ProtocolViolation(.invalidArgument, "CALL_OPEN on stream \(id), not above \(self.highestStreamID)")
            )
            return
        }
        self.highestStreamID = id
        guard self.phase == .active else {
            self.writeStatus(id, ATSBridgeError(.unavailable, "the server is shutting down").status)
            return
        }
        guard self.streams.count < self.limits.maxConcurrentStreams else {
            self.writeStatus(
                id,
                ATSBridgeError(.resourceExhausted, "more than \(self.limits.maxConcurrentStreams) concurrent calls")
                    .status
            )
            return
        }
        guard let open = try? CallOpen(decoding: Array(frame.payload.readableBytesView)) else {
            self.writeStatus(id, ATSBridgeError(.inputInvalid, "undecodable CALL_OPEN").status)
            return
        }
        guard let method = self.router.methods[open.method] else {
            self.writeStatus(id, ATSBridgeError(.unimplemented, "unknown method \(open.method)").status)
            return
        }
        let principal: Principal
        switch self.authorize(open, method.access) {
        case .success(let authorized): principal = authorized
        case .failure(let error):
            self.writeStatus(id, error.status)
            return
        }
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
        let deadline = open.timeoutMs.map { ContinuousClock.now + .milliseconds(Int64(clamping: $0)) }
        let context = ServerContext(
            method: open.method,
            metadata: metadata,
            principal: principal,
            deadline: deadline,
            logger: logger
        )
        let stream = ServerStream(id: id, outbound: self.outbound!, initialCredit: self.peerInitialCredit)
        var entry = StreamEntry(stream: stream, method: method, context: context)
        if let timeout = open.timeoutMs, let eventLoop = self.context?.eventLoop {
            entry.deadlineTimer = eventLoop.scheduleTask(in: .milliseconds(Int64(clamping: timeout))) {
                stream.finish(ATSBridgeError(.deadlineExceeded, "the call's deadline passed").status)
                stream.cancel(.deadlineExceeded)
            }
        }
        self.streams[id] = entry
        self.idleTimer?.cancel()
        self.idleTimer = nil
    }

    private func authorize(_ open: CallOpen, _ access: MethodAccess) -> Result<Principal, ATSBridgeError> {
        guard access.level > .none else { return .success(.anonymous) }
        guard let principal = self.authenticator.authenticate(apiKey: open.apiKey) else {
            return .failure(ATSBridgeError(.authenticationInvalid, "missing or unknown API key"))
        }
        guard principal.access >= access.level else {
            return .failure(
                ATSBridgeError(.permissionDenied, "the key's access '\(principal.access)' is below '\(access.level)'")
            )
        }
        if access.needsIntegration {
            guard let integrationID = open.integrationID, !integrationID.isEmpty else {
                return .failure(ATSBridgeError(.inputInvalid, "the call needs an integration_id"))
            }
            guard principal.mayAccess(integration: integrationID) else {
                return .failure(ATSBridgeError(.permissionDenied, "the key may not access this integration"))
            }
        }
        return .success(principal)
    }

    private func handleMessage(_ frame: Frame) {
        guard var entry = self.streams[frame.streamID] else {
            self.checkClosedStream(frame)
            return
        }
        guard !entry.requestReceived else {
            self.resetStream(
                frame.streamID,
                ATSBridgeError(.cardinalityViolation, "the call received more than one request message").status,
                cancel: true
            )
            return
        }
        entry.requestReceived = true
        self.streams[frame.streamID] = entry
        let call = ServerCall(
            stream: entry.stream,
            method: entry.method,
            request: Array(frame.payload.readableBytesView),
            context: entry.context
        )
        self.calls.yield(call)
    }

    private func handleCredit(_ frame: Frame) {
        guard let entry = self.streams[frame.streamID] else {
            self.checkClosedStream(frame)
            return
        }
        guard frame.payload.readableBytes == 4,
            let count = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt32.self),
            count > 0, count < UInt32(Int32.max)
        else {
            self.fail(ProtocolViolation(.invalidArgument, "invalid CREDIT on stream \(frame.streamID)"))
            return
        }
        entry.stream.grant(Int(count))
    }

    private func handleCancel(_ frame: Frame) {
        guard let entry = self.streams.removeValue(forKey: frame.streamID) else {
            self.checkClosedStream(frame)
            return
        }
        entry.deadlineTimer?.cancel()
        entry.stream.finishSilently()
        entry.stream.cancel(.clientCancelled)
        self.streamsChanged()
    }

    private func handlePing(_ frame: Frame) {
        guard !frame.flags.contains(.ack) else { return }
        var buffer = self.context!.channel.allocator.buffer(capacity: Frame.headerSize + frame.payload.readableBytes)
        buffer.writeFrame(type: .ping, flags: .ack, streamID: 0, payload: frame.payload.readableBytesView)
        self.enqueue(buffer)
    }

    /// A frame for a stream that is not open: fine if the stream existed (it may have crossed
    /// a CANCEL or STATUS), a connection error if it never did.
    private func checkClosedStream(_ frame: Frame) {
        if frame.streamID == 0 || frame.streamID > self.highestStreamID {
            self.fail(ProtocolViolation(.invalidArgument, "\(frame.type) on stream \(frame.streamID), never opened"))
        }
    }

    // MARK: Streams

    private func writeStatus(_ streamID: UInt32, _ status: Status) {
        guard let allocator = self.context?.channel.allocator else { return }
        var buffer = allocator.buffer(capacity: 64)
        try? buffer.writeFrame(type: .status, streamID: streamID, message: status)
        self.enqueue(buffer)
    }

    /// Ends one stream with `status`; with `cancel`, also stops its handler.
    private func resetStream(_ streamID: UInt32, _ status: Status, cancel: Bool = false) {
        guard let entry = self.streams[streamID] else {
            if streamID > self.highestStreamID {
                self.fail(ProtocolViolation(.invalidArgument, "frame on stream \(streamID), never opened"))
            }
            return
        }
        entry.stream.finish(status)
        if cancel || !entry.requestReceived { entry.stream.cancel(.clientCancelled) }
        if !entry.requestReceived {
            // No task owns the stream yet; forget it here.
            entry.deadlineTimer?.cancel()
            self.streams.removeValue(forKey: streamID)
            self.streamsChanged()
        }
    }

    package func enqueue(_ buffer: ByteBuffer) {
        guard let context = self.context, self.phase != .closed, buffer.readableBytes > 0 else { return }
        self.flusher.write(buffer, context: context)
    }

    package func streamFinished(_ streamID: UInt32) {
        guard let entry = self.streams.removeValue(forKey: streamID) else { return }
        entry.deadlineTimer?.cancel()
        self.streamsChanged()
    }

    private func streamsChanged() {
        guard self.streams.isEmpty else { return }
        if self.phase == .draining {
            self.closeConnection()
        } else {
            self.armIdleTimer()
        }
    }

    private func armIdleTimer() {
        guard let eventLoop = self.context?.eventLoop else { return }
        self.idleTimer?.cancel()
        self.idleTimer = eventLoop.scheduleTask(in: self.limits.idleTimeout.timeAmount) { [weak self] in
            guard let self, self.streams.isEmpty, self.phase == .active else { return }
            self.sendGoAway(code: .ok, message: "idle")
            self.closeConnection()
        }
    }

    // MARK: Shutdown

    /// Starts a graceful shutdown: GOAWAY, no new calls, close when running calls are done.
    /// Must be called on the event loop.
    package func beginGracefulShutdown() {
        guard self.phase == .active || self.phase == .awaitingSettings || self.phase == .awaitingPreface else {
            return
        }
        let wasActive = self.phase == .active
        self.phase = .draining
        if wasActive { self.sendGoAway(code: .unavailable, message: "the server is shutting down") }
        if self.streams.isEmpty { self.closeConnection() }
    }

    /// Cancels every running call (the grace period is over). Must be called on the event loop.
    package func cancelRunningCalls() {
        for entry in self.streams.values {
            entry.stream.cancel(.shutdown)
        }
    }

    private func sendGoAway(code: StatusCode, message: String) {
        guard let allocator = self.context?.channel.allocator else { return }
        var buffer = allocator.buffer(capacity: 64)
        try? buffer.writeFrame(
            type: .goAway,
            streamID: 0,
            message: GoAway(lastStreamID: self.highestStreamID, code: code, message: message)
        )
        self.enqueue(buffer)
    }

    private func fail(_ violation: ProtocolViolation) {
        guard self.phase != .closed else { return }
        self.logger.debug("protocol violation", metadata: ["rpc.violation": "\(violation.message)"])
        if !violation.silent {
            self.sendGoAway(code: violation.code, message: violation.message)
        }
        self.closeConnection()
    }

    private func closeConnection() {
        guard let context = self.context, self.phase != .closed else { return }
        self.phase = .closed
        context.flush()
        context.close(promise: nil)
    }
}

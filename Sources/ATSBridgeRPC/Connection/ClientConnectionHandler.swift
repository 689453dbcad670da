import ATSBridgeCore
package import ATSBridgeProto
package import Logging
package import NIOCore

/// The client side of one connection, on its event loop: feeds the server's frames and its
/// callers' requests to a ``ClientConnectionStateMachine`` and performs the actions it
/// returns (writes, deadlines, delivering events to callers).
package final class ClientConnectionHandler: ChannelDuplexHandler {
    package typealias InboundIn = FrameDecoder.Event
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    /// A call's events reach its caller through its queue, which also records the stream id.
    private typealias Machine = ClientConnectionStateMachine<ClientEventQueue>

    /// The I/O side of an open stream.
    private struct StreamIO {
        var queue: ClientEventQueue
        var deadlineTimer: Scheduled<Void>?
    }

    private var machine: Machine
    private let logger: Logger
    private var context: ChannelHandlerContext?
    private var streams: [UInt32: StreamIO] = [:]
    private let flusher = FlushCoalescer()
    private var handshakePromise: EventLoopPromise<Void>?
    private var handshakeFuture: EventLoopFuture<Void>?
    private var closing = false
    /// Liveness: when bytes last arrived, the PING whose ACK is awaited, when one was last sent.
    private var lastReceived = NIODeadline.uptimeNanoseconds(0)
    private var probe: [UInt8]?
    private var probeSent = NIODeadline.distantPast
    private var keepaliveTask: Scheduled<Void>?
    private let keepaliveInterval: TimeAmount?
    private let keepaliveTimeout: TimeAmount

    package init(limits: ConnectionLimits, logger: Logger) {
        self.machine = Machine(limits: limits)
        self.logger = logger
        self.handshakeTimeout = TimeAmount(limits.handshakeTimeout)
        self.keepaliveInterval = limits.keepaliveInterval.map(TimeAmount.init)
        self.keepaliveTimeout = TimeAmount(limits.keepaliveTimeout)
    }

    /// How long the server may take to send its preface and SETTINGS: a peer that accepts the
    /// connection and says nothing must not hold the caller forever.
    private let handshakeTimeout: TimeAmount

    /// Whether new calls may still be opened on this connection.
    package var isAcceptingCalls: Bool { !self.closing && self.machine.isAcceptingCalls }

    /// Succeeds when the server's preface and SETTINGS have arrived; fails if the connection
    /// ends first or the server does not speak the protocol. Valid after the handler is added.
    package var handshakeDone: EventLoopFuture<Void> { self.handshakeFuture! }

    private func completeHandshake(_ result: Result<Void, any Error>) {
        guard let promise = self.handshakePromise else { return }
        self.handshakePromise = nil
        promise.completeWith(result)
    }

    // MARK: Channel events

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let promise = context.eventLoop.makePromise(of: Void.self)
        self.handshakePromise = promise
        self.handshakeFuture = promise.futureResult
        if context.channel.isActive { self.start(context: context) }
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.completeHandshake(.failure(ATSBridgeError(.unavailable, "the connection handler was removed")))
    }

    package func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard let settings = self.machine.start() else { return }
        let seconds = self.handshakeTimeout.nanoseconds / 1_000_000_000
        context.eventLoop.assumeIsolated().scheduleTask(in: self.handshakeTimeout) { [weak self] in
            guard let self, self.handshakePromise != nil else { return }
            self.completeHandshake(
                .failure(
                    ATSBridgeError(
                        .unavailable,
                        "the server did not answer the handshake within \(seconds) s (is it an ATSBridge server?)"
                    )
                )
            )
            self.context?.close(promise: nil)
        }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        buffer.writeOpening(settings: settings)
        context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
    }

    package func channelInactive(context: ChannelHandlerContext) {
        self.closing = true
        self.keepaliveTask?.cancel()
        self.completeHandshake(
            .failure(ATSBridgeError(.unavailable, "the server closed the connection during the handshake"))
        )
        self.tearDown(self.machine.closed(ATSBridgeError(.unavailable, "the connection to the server closed")))
        context.fireChannelInactive()
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let violation =
            error as? ProtocolViolation
            ?? ProtocolViolation(.unavailable, "connection error (\(type(of: error)))", silent: true)
        if violation.wrongPeer {
            // Not a server that is starting or full: another service. Retrying cannot help.
            self.completeHandshake(.failure(ATSBridgeError(.notATSBridgeServer, violation.message)))
        }
        self.perform(self.machine.violated(violation))
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.lastReceived = context.eventLoop.now
        switch self.unwrapInboundIn(data) {
        case .preface:
            break
        case .oversizedMessage(let streamID, let length), .refusedMessage(let streamID, let length):
            // A client's decoder has no request budget: only oversized messages are skipped.
            self.perform(self.machine.receivedOversizedMessage(streamID: streamID, length: length))
        case .frame(let frame):
            if frame.type == .ping, frame.flags.contains(.ack), let probe = self.probe,
                frame.payload.readableBytesView.elementsEqual(probe)
            {
                self.probe = nil
            }
            self.perform(self.machine.receivedFrame(frame))
        }
    }

    // MARK: Liveness

    /// Sends a PING (§2.9) unless one awaits its ACK or one went out less than a second ago
    /// (servers limit PINGs); without its ACK within the keepalive timeout, the peer is taken
    /// for gone silent and the connection is closed, so that it does not take every later call
    /// with it. Called when a call's deadline passes, and when calls waited the keepalive
    /// interval with nothing received.
    private func checkAlive() {
        guard let context = self.context, !self.closing, self.probe == nil,
            context.eventLoop.now - self.probeSent >= .seconds(1)
        else { return }
        let payload = (0..<8).map { _ in UInt8.random(in: .min ... .max) }
        self.probe = payload
        self.probeSent = context.eventLoop.now
        var buffer = context.channel.allocator.buffer(capacity: Frame.headerSize + 8)
        buffer.writeFrame(type: .ping, streamID: 0, payload: payload)
        self.write(buffer)
        let seconds = Double(self.keepaliveTimeout.nanoseconds) / 1e9
        context.eventLoop.assumeIsolated().scheduleTask(in: self.keepaliveTimeout) { [weak self] in
            guard let self, self.probe == payload else { return }
            self.logger.notice("connection dropped: no answer to a PING within \(seconds) s")
            self.perform(
                self.machine.violated(
                    ProtocolViolation(
                        .unavailable,
                        "no answer to a PING within \(seconds) s: the connection is dead",
                        silent: true
                    )
                )
            )
        }
    }

    /// Checks the connection when calls are open and nothing arrived for the keepalive interval.
    private func startKeepalive(_ context: ChannelHandlerContext) {
        guard let interval = self.keepaliveInterval, !self.closing else { return }
        self.keepaliveTask = context.eventLoop.assumeIsolated().scheduleTask(in: interval) { [weak self] in
            guard let self else { return }
            if !self.streams.isEmpty, context.eventLoop.now - self.lastReceived >= interval { self.checkAlive() }
            self.startKeepalive(context)
        }
    }

    // MARK: Calls

    /// Opens a call: CALL_OPEN and the request MESSAGE in one write. When the server's limit of
    /// concurrent calls is reached, the call waits for a slot. Its events, or why it could not
    /// open, arrive on `queue`; the caller does not wait for the open itself (one thread
    /// hand-off less per call). Must run on the event loop.
    package func open(
        _ callOpen: CallOpen,
        request: [UInt8],
        timeout: Duration?,
        isUnary: Bool,
        queue: ClientEventQueue
    ) {
        guard self.context != nil, !self.closing else {
            queue.finish(throwing: self.machine.closingError)
            return
        }
        let encoded: [UInt8]
        do {
            encoded = try callOpen.encode()
        } catch {
            queue.finish(throwing: ATSBridgeError(.inputInvalid, "the call's metadata cannot be encoded", cause: error))
            return
        }
        let call = Machine.PendingCall(
            callOpen: encoded,
            request: request,
            timeout: timeout,
            isUnary: isUnary,
            waiter: queue
        )
        if let refused = self.machine.open(call) {
            self.perform(refused)
        } else {
            self.openPending()
        }
    }

    /// Grants the server `count` more messages on the call of `queue`. Must run on the event
    /// loop.
    package func grant(_ queue: ClientEventQueue, _ count: Int) {
        guard let streamID = queue.streamID,
            let count = self.machine.grant(count, streamID: streamID),
            let allocator = self.context?.channel.allocator
        else { return }
        var buffer = allocator.buffer(capacity: Frame.headerSize + 4)
        buffer.writeCreditFrame(streamID: streamID, count: count)
        self.write(buffer)
    }

    /// Cancels the call of `queue`, which its consumer gave up on: CANCEL to the server,
    /// nothing more delivered. A call still waiting for a stream slot is cancelled as soon as
    /// it opens. Must run on the event loop.
    package func cancel(_ queue: ClientEventQueue) {
        queue.abandon()
        guard let streamID = queue.streamID else { return }
        self.perform(self.machine.abandon(streamID, nil))
    }

    private func openPending() {
        while let opening = self.machine.nextOpening() {
            self.perform(opening)
        }
    }

    private func perform(_ opening: Machine.Opening) {
        switch opening {
        case .refuse(let queue, let error):
            queue.finish(throwing: error)
        case .open(let id, let call):
            guard let context = self.context else {
                call.waiter.finish(throwing: self.machine.closingError)
                return
            }
            call.waiter.opened(as: id)
            var io = StreamIO(queue: call.waiter)
            if let timeout = call.timeout {
                io.deadlineTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
                    [weak self] in
                    guard let self else { return }
                    self.perform(
                        self.machine.abandon(id, ATSBridgeError(.deadlineExceeded, "the call's deadline passed"))
                    )
                    // A deadline may pass because the peer went silent: check before the next call.
                    self.checkAlive()
                }
            }
            self.streams[id] = io
            var buffer = context.channel.allocator.buffer(
                capacity: 2 * Frame.headerSize + call.callOpen.count + call.request.count
            )
            buffer.writeFrame(type: .callOpen, streamID: id, payload: call.callOpen)
            buffer.writeFrame(type: .message, flags: .endStream, streamID: id, payload: call.request)
            self.write(buffer)
            if call.waiter.isAbandoned {
                // Cancelled while it waited for a slot.
                self.perform(self.machine.abandon(id, nil))
            }
        }
    }

    // MARK: Actions

    private func perform(_ action: Machine.Action) {
        switch action {
        case .none:
            break
        case .handshakeComplete:
            self.completeHandshake(.success(()))
            if let context = self.context { self.startKeepalive(context) }
            self.openPending()
        case .openPendingCalls:
            self.openPending()
        case .deliver(let streamID, let payload):
            self.streams[streamID]?.queue.yield(.message(payload))
        case .closeStreams(let ids, let end, let cancel):
            for id in ids {
                guard let io = self.streams.removeValue(forKey: id) else { continue }
                io.deadlineTimer?.cancel()
                switch end {
                case .finished(let event):
                    if let event { io.queue.yield(event) }
                    io.queue.finish()
                case .failed(let error):
                    io.queue.finish(throwing: error)
                }
                if let cancel, let allocator = self.context?.channel.allocator {
                    var buffer = allocator.buffer(capacity: 32)
                    try? buffer.writeFrame(type: .cancel, streamID: id, message: cancel)
                    self.write(buffer)
                }
            }
            self.openPending()
        case .pong(let payload):
            guard let allocator = self.context?.channel.allocator else { return }
            var buffer = allocator.buffer(capacity: Frame.headerSize + 8)
            buffer.writeFrame(type: .ping, flags: .ack, streamID: 0, payload: payload.readableBytesView)
            self.write(buffer)
        case .closeConnection(let goAway, let teardown):
            self.completeHandshake(.failure(teardown.error))
            if let goAway, let allocator = self.context?.channel.allocator {
                var buffer = allocator.buffer(capacity: 64)
                try? buffer.writeFrame(type: .goAway, streamID: 0, message: goAway)
                self.write(buffer)
            }
            self.tearDown(teardown)
            guard let context = self.context, !self.closing else { return }
            self.closing = true
            context.flush()
            context.close(promise: nil)
        }
    }

    private func tearDown(_ teardown: Machine.Teardown) {
        for queue in teardown.waiters { queue.finish(throwing: teardown.error) }
        for id in teardown.streams {
            guard let io = self.streams.removeValue(forKey: id) else { continue }
            io.deadlineTimer?.cancel()
            io.queue.finish(throwing: teardown.error)
        }
    }

    private func write(_ buffer: ByteBuffer) {
        guard let context = self.context, !self.closing else { return }
        self.flusher.write(buffer, context: context)
    }
}

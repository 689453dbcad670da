package import ATSBridgeCore
package import ATSBridgeProto
package import Logging
package import NIOCore

/// The client side of one connection, on its event loop: opens calls on new streams, routes
/// frames to them, grants credit, and fails calls when the connection goes away.
package final class ClientConnectionHandler: ChannelDuplexHandler {
    package typealias InboundIn = FrameDecoder.Event
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    private struct StreamEntry {
        var continuation: AsyncThrowingStream<ClientStreamEvent, any Error>.Continuation
        var deadlineTimer: Scheduled<Void>?
        var isUnary: Bool
        var unaryResponse: ByteBuffer?
        var unaryResponses = 0
    }

    /// A call waiting for a free stream slot (the server's max_concurrent_streams).
    private struct PendingOpen {
        var callOpen: CallOpen
        var request: [UInt8]
        var timeout: Duration?
        var isUnary: Bool
        var promise: EventLoopPromise<(UInt32, AsyncThrowingStream<ClientStreamEvent, any Error>)>
    }

    private var pending: [PendingOpen] = []

    private let limits: ConnectionLimits
    private var logger: Logger
    private var context: ChannelHandlerContext?
    private var streams: [UInt32: StreamEntry] = [:]
    private var nextStreamID: UInt32 = 1
    private var goAwayLastStreamID: UInt32?
    private var closed = false
    private let flusher = FlushCoalescer()
    private var serverMaxConcurrentStreams = Int.max

    package init(limits: ConnectionLimits, logger: Logger) {
        self.limits = limits
        self.logger = logger
    }

    /// Whether new calls may still be opened on this connection.
    package var isAcceptingCalls: Bool { !self.closed && self.goAwayLastStreamID == nil }

    private var handshakePromise: EventLoopPromise<Void>?

    /// Succeeds when the server's preface and SETTINGS have arrived; fails if the connection
    /// ends first or the server does not speak the protocol. Valid after the handler is added.
    package var handshakeDone: EventLoopFuture<Void> { self.handshakeFuture! }

    private var handshakeFuture: EventLoopFuture<Void>?

    private func completeHandshake(_ result: Result<Void, any Error>) {
        guard let promise = self.handshakePromise else { return }
        self.handshakePromise = nil
        promise.completeWith(result)
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let promise = context.eventLoop.makePromise(of: Void.self)
        self.handshakePromise = promise
        self.handshakeFuture = promise.futureResult
        if context.channel.isActive { self.start(context: context) }
    }

    package func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    private var started = false

    private func start(context: ChannelHandlerContext) {
        guard !self.started else { return }
        self.started = true
        var buffer = context.channel.allocator.buffer(capacity: 64)
        buffer.writeBytes(ConnectionPreface.bytes)
        let settings = Settings(
            maxFrameSize: UInt32(clamping: self.limits.maxFrameSize),
            initialCredit: UInt32(clamping: self.limits.initialCredit),
            maxMessageSize: UInt32(clamping: self.limits.maxMessageSize)
        )
        try? buffer.writeFrame(type: .settings, streamID: 0, message: settings)
        context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
    }

    package func channelInactive(context: ChannelHandlerContext) {
        self.closed = true
        self.completeHandshake(
            .failure(ATSBridgeError(.unavailable, "the server closed the connection during the handshake"))
        )
        self.failAll(ATSBridgeError(.unavailable, "the connection to the server closed"))
        context.fireChannelInactive()
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let message = (error as? ProtocolViolation)?.message ?? "connection error (\(type(of: error)))"
        self.completeHandshake(.failure(ATSBridgeError(.unavailable, message)))
        self.failAll(ATSBridgeError(.unavailable, message))
        self.closed = true
        context.close(promise: nil)
    }

    // MARK: Calls

    /// Opens a call: CALL_OPEN and the request MESSAGE in one write. When the server's limit of
    /// concurrent calls is reached, the call waits for a slot. Must run on the event loop.
    package func open(
        _ callOpen: CallOpen,
        request: [UInt8],
        timeout: Duration?,
        isUnary: Bool,
        eventLoop: any EventLoop
    ) -> EventLoopFuture<(UInt32, AsyncThrowingStream<ClientStreamEvent, any Error>)> {
        guard self.context != nil, self.isAcceptingCalls else {
            return eventLoop.makeFailedFuture(ATSBridgeError(.unavailable, "the connection is closing"))
        }
        let promise = eventLoop.makePromise(of: (UInt32, AsyncThrowingStream<ClientStreamEvent, any Error>).self)
        self.pending.append(
            PendingOpen(callOpen: callOpen, request: request, timeout: timeout, isUnary: isUnary, promise: promise)
        )
        self.openPending()
        return promise.futureResult
    }

    private func openPending() {
        while !self.pending.isEmpty, self.streams.count < self.serverMaxConcurrentStreams {
            let next = self.pending.removeFirst()
            do {
                next.promise.succeed(
                    try self.openNow(next.callOpen, request: next.request, timeout: next.timeout, isUnary: next.isUnary)
                )
            } catch {
                next.promise.fail(error)
            }
        }
    }

    private func openNow(
        _ callOpen: CallOpen,
        request: [UInt8],
        timeout: Duration?,
        isUnary: Bool
    ) throws -> (UInt32, AsyncThrowingStream<ClientStreamEvent, any Error>) {
        guard let context = self.context, self.isAcceptingCalls else {
            throw ATSBridgeError(.unavailable, "the connection is closing")
        }
        let id = self.nextStreamID
        self.nextStreamID += 1
        let (events, continuation) = AsyncThrowingStream.makeStream(of: ClientStreamEvent.self)
        var entry = StreamEntry(continuation: continuation, isUnary: isUnary)
        if let timeout {
            entry.deadlineTimer = context.eventLoop.scheduleTask(in: timeout.timeAmount) { [weak self] in
                self?.abandon(id, ATSBridgeError(.deadlineExceeded, "the call's deadline passed"))
            }
        }
        self.streams[id] = entry
        var buffer = context.channel.allocator.buffer(capacity: 2 * Frame.headerSize + 128 + request.count)
        try buffer.writeFrame(type: .callOpen, streamID: id, message: callOpen)
        buffer.writeFrame(type: .message, flags: .endStream, streamID: id, payload: request)
        self.write(buffer)
        return (id, events)
    }

    /// Grants the server `count` more messages on a stream. Must run on the event loop.
    package func grant(_ streamID: UInt32, _ count: Int) {
        guard self.streams[streamID] != nil, let allocator = self.context?.channel.allocator else { return }
        var buffer = allocator.buffer(capacity: Frame.headerSize + 4)
        buffer.writeCreditFrame(streamID: streamID, count: UInt32(clamping: count))
        self.write(buffer)
    }

    /// Cancels a call the consumer gave up on: CANCEL to the server, nothing more delivered.
    /// Must run on the event loop.
    package func cancel(_ streamID: UInt32) {
        self.abandon(streamID, nil)
    }

    private func abandon(_ streamID: UInt32, _ error: ATSBridgeError?) {
        guard let entry = self.streams.removeValue(forKey: streamID) else { return }
        defer { self.openPending() }
        entry.deadlineTimer?.cancel()
        if let error {
            entry.continuation.finish(throwing: error)
        } else {
            entry.continuation.finish()
        }
        guard let allocator = self.context?.channel.allocator, !self.closed else { return }
        var buffer = allocator.buffer(capacity: 32)
        try? buffer.writeFrame(
            type: .cancel,
            streamID: streamID,
            message: Status(code: error?.code.status ?? .cancelled)
        )
        self.write(buffer)
    }

    private func write(_ buffer: ByteBuffer) {
        guard let context = self.context else { return }
        self.flusher.write(buffer, context: context)
    }

    private func failAll(_ error: ATSBridgeError) {
        let streams = self.streams
        self.streams.removeAll()
        let pending = self.pending
        self.pending.removeAll()
        for open in pending { open.promise.fail(error) }
        for entry in streams.values {
            entry.deadlineTimer?.cancel()
            entry.continuation.finish(throwing: error)
        }
    }

    // MARK: Inbound

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .preface:
            break
        case .oversizedMessage(let streamID, let length):
            self.abandon(
                streamID,
                ATSBridgeError(.resourceExhausted, "response message of \(length) bytes exceeds the client's limit")
            )
        case .frame(let frame):
            self.handle(frame, context: context)
        }
    }

    private func handle(_ frame: Frame, context: ChannelHandlerContext) {
        switch frame.type {
        case .message:
            guard var entry = self.streams[frame.streamID] else { return }
            if entry.isUnary {
                entry.unaryResponse = frame.payload
                entry.unaryResponses += 1
                self.streams[frame.streamID] = entry
            } else {
                entry.continuation.yield(.message(frame.payload))
            }
        case .status:
            guard let entry = self.streams.removeValue(forKey: frame.streamID) else { return }
            defer { self.openPending() }
            entry.deadlineTimer?.cancel()
            if let status = try? Status(decoding: Array(frame.payload.readableBytesView)) {
                if entry.isUnary, entry.unaryResponses > 1 {
                    entry.continuation.finish(
                        throwing: ATSBridgeError(
                            .internalError,
                            "the server sent more than one response to a unary call"
                        )
                    )
                    return
                }
                entry.continuation.yield(entry.isUnary ? .unaryResult(entry.unaryResponse, status) : .status(status))
                entry.continuation.finish()
            } else {
                entry.continuation.finish(
                    throwing: ATSBridgeError(.internalError, "undecodable STATUS from the server")
                )
            }
        case .cancel:
            guard let entry = self.streams.removeValue(forKey: frame.streamID) else { return }
            defer { self.openPending() }
            entry.deadlineTimer?.cancel()
            let status = try? Status(decoding: Array(frame.payload.readableBytesView))
            entry.continuation.finish(
                throwing: status.map { ATSBridgeError(status: $0) }
                    ?? ATSBridgeError(.cancelled, "the server cancelled the call")
            )
        case .settings:
            if let settings = try? Settings(decoding: Array(frame.payload.readableBytesView)),
                let maxStreams = settings.maxConcurrentStreams
            {
                self.serverMaxConcurrentStreams = Int(maxStreams)
            }
            self.completeHandshake(.success(()))
            self.openPending()
        case .ping:
            guard !frame.flags.contains(.ack) else { return }
            var buffer = context.channel.allocator.buffer(capacity: Frame.headerSize + 8)
            buffer.writeFrame(type: .ping, flags: .ack, streamID: 0, payload: frame.payload.readableBytesView)
            self.write(buffer)
        case .goAway:
            let goAway = try? GoAway(decoding: Array(frame.payload.readableBytesView))
            let last = goAway?.lastStreamID ?? 0
            self.goAwayLastStreamID = last
            for id in self.streams.keys where id > last {
                self.abandon(id, ATSBridgeError(.unavailable, "the server is going away; the call was not processed"))
            }
        default:
            break
        }
    }
}

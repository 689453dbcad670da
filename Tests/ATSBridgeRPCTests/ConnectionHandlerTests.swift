import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeTestSupport
import Logging
import NIOCore
import NIOEmbedded
import Testing

/// A connection handler in a `NIOAsyncTestingChannel`: frames in, frames out, virtual time.
struct HandlerHarness {
    let channel: NIOAsyncTestingChannel
    private var received = ByteBuffer()
    private var decoder = FrameDecoder(maxFrameSize: 64 << 20, maxMessageSize: 64 << 20)

    init(_ handler: @escaping @Sendable () -> any ChannelHandler, limits: ConnectionLimits) async throws {
        self.channel = try await NIOAsyncTestingChannel { channel in
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(
                    FrameDecoder(maxFrameSize: limits.maxFrameSize, maxMessageSize: limits.maxMessageSize)
                )
            )
            try channel.pipeline.syncOperations.addHandler(handler())
        }
        try await self.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
    }

    /// Sends the preface and `settings` as the peer.
    func handshake(_ settings: Settings = Settings()) async throws {
        var buffer = ByteBuffer(bytes: ConnectionPreface.bytes)
        try buffer.writeFrame(type: .settings, streamID: 0, message: settings)
        try await self.channel.writeInbound(buffer)
    }

    func send(_ type: FrameType, flags: FrameFlags = [], _ streamID: UInt32, _ payload: [UInt8] = []) async throws {
        var buffer = ByteBuffer()
        buffer.writeFrame(type: type, flags: flags, streamID: streamID, payload: payload)
        try await self.channel.writeInbound(buffer)
    }

    func send(_ type: FrameType, _ streamID: UInt32, _ message: some ProtoMessage) async throws {
        try await self.send(type, streamID, try message.encode())
    }

    /// Every frame written since the last call (after running due tasks, so flushes happen).
    mutating func frames() async throws -> [Frame] {
        await self.channel.testingEventLoop.run()
        while let buffer = try await self.channel.readOutbound(as: ByteBuffer.self) {
            self.received.writeImmutableBuffer(buffer)
        }
        var frames: [Frame] = []
        while let event = try self.decoder.decode(buffer: &self.received) {
            if case .frame(let frame) = event { frames.append(frame) }
        }
        self.received.discardReadBytes()
        return frames
    }

    /// Waits (in real time, for work done by other tasks) for a frame matching `predicate`.
    mutating func waitForFrame(_ what: String, _ predicate: (Frame) -> Bool) async throws -> Frame {
        var seen: [Frame] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            seen += try await self.frames()
            if let found = seen.first(where: predicate) { return found }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw ATSBridgeError(.deadlineExceeded, "timed out waiting for \(what)")
    }

    static func status(_ frame: Frame) throws -> Status {
        try Status(decoding: Array(frame.payload.readableBytesView))
    }
}

@Suite struct ServerConnectionHandlerTests {
    let probe = Probe()
    let limits = ConnectionLimits()
    let calls: AsyncStream<ServerCall>
    let callsContinuation: AsyncStream<ServerCall>.Continuation

    init() {
        (self.calls, self.callsContinuation) = AsyncStream.makeStream(of: ServerCall.self)
    }

    func harness(_ configure: (inout ConnectionLimits) -> Void = { _ in }) async throws -> HandlerHarness {
        var limits = self.limits
        configure(&limits)
        let router = TestMethods.router(probe: self.probe, store: InMemoryRecordStore())
        let continuation = self.callsContinuation
        let frozen = limits
        return try await HandlerHarness(
            {
                ServerConnectionHandler(
                    limits: frozen,
                    router: router,
                    calls: continuation,
                    logger: Logger(label: "test")
                )
            },
            limits: limits
        )
    }

    var runner: ServerCallRunner {
        ServerCallRunner(interceptors: [
            AuthorizationInterceptor(authenticator: APIKeyAuthenticator(keys: TestKeys.all))
        ])
    }

    @Test func theServerAnnouncesItselfAndAnswersPings() async throws {
        var harness = try await self.harness { $0.maxConcurrentStreams = 9 }
        let first = try await harness.frames()
        #expect(first.count == 1 && first[0].type == .settings)
        #expect(try Settings(decoding: Array(first[0].payload.readableBytesView)).maxConcurrentStreams == 9)
        try await harness.handshake()
        try await harness.send(.ping, 0, [1, 2, 3, 4, 5, 6, 7, 8])
        let pong = try await harness.frames()
        #expect(pong.count == 1 && pong[0].type == .ping && pong[0].flags.contains(.ack))
    }

    @Test func theHandshakeTimeoutSendsGoAwayAndCloses() async throws {
        var harness = try await self.harness { $0.handshakeTimeout = .seconds(3) }
        _ = try await harness.frames()
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(3))
        let frames = try await harness.frames()
        #expect(frames.map(\.type) == [.goAway])
        #expect(try GoAway(decoding: Array(frames[0].payload.readableBytesView)).code == .deadlineExceeded)
        #expect(!harness.channel.isActive)
    }

    @Test func theIdleTimeoutSendsGoAwayOK() async throws {
        var harness = try await self.harness { $0.idleTimeout = .seconds(60) }
        try await harness.handshake()
        _ = try await harness.frames()
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(59))
        #expect(try await harness.frames().isEmpty)
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(1))
        let frames = try await harness.frames()
        #expect(frames.map(\.type) == [.goAway])
        #expect(!harness.channel.isActive)
    }

    @Test func aCallIsHandedToTheRunnerWhichAuthorizesAndAnswersIt() async throws {
        var harness = try await self.harness()
        try await harness.handshake()
        try await harness.send(
            .callOpen,
            1,
            CallOpen(method: TestMethods.echo.fullName, apiKey: TestKeys.reader, integrationID: "int-1")
        )
        try await harness.send(.message, flags: .endStream, 1, try PingRequest(payload: [4]).encode())
        var iterator = self.calls.makeAsyncIterator()
        let call = try #require(await iterator.next())
        #expect(call.apiKey == TestKeys.reader)
        #expect(call.context.principal == .anonymous)
        await self.runner.run(call)
        let frames = try await harness.waitForFrame("STATUS") { $0.type == .status }
        #expect(try HandlerHarness.status(frames).code == .ok)
    }

    @Test func authorizationRefusesACallBeforeItsHandler() async throws {
        var harness = try await self.harness()
        try await harness.handshake()
        try await harness.send(.callOpen, 1, CallOpen(method: TestMethods.sleep.fullName, apiKey: "nope"))
        try await harness.send(.message, flags: .endStream, 1, try PingRequest(payload: [1]).encode())
        var iterator = self.calls.makeAsyncIterator()
        await self.runner.run(try #require(await iterator.next()))
        let status = try await harness.waitForFrame("STATUS") { $0.type == .status }
        #expect(try HandlerHarness.status(status).code == .unauthenticated)
        #expect(self.probe.finished == 0 && self.probe.cancelled == 0)
    }

    @Test func aResponseOverTheClientsLimitFailsTheCall() async throws {
        var harness = try await self.harness()
        try await harness.handshake(Settings(maxMessageSize: 8))
        try await harness.send(
            .callOpen,
            1,
            CallOpen(method: TestMethods.echo.fullName, apiKey: TestKeys.reader, integrationID: "int-1")
        )
        try await harness.send(.message, 1, try PingRequest(payload: [UInt8](repeating: 1, count: 32)).encode())
        var iterator = self.calls.makeAsyncIterator()
        await self.runner.run(try #require(await iterator.next()))
        let status = try await harness.waitForFrame("STATUS") { $0.type == .status }
        #expect(try HandlerHarness.status(status).code == .resourceExhausted)
    }

    @Test func aDeadlineEndsACallWhoseRequestNeverCame() async throws {
        var harness = try await self.harness()
        try await harness.handshake()
        _ = try await harness.frames()
        try await harness.send(
            .callOpen,
            1,
            CallOpen(method: TestMethods.echo.fullName, timeoutMs: 500, apiKey: TestKeys.reader)
        )
        #expect(try await harness.frames().isEmpty)
        await harness.channel.testingEventLoop.advanceTime(by: .milliseconds(500))
        let frames = try await harness.frames()
        #expect(frames.map(\.type) == [.status])
        #expect(try HandlerHarness.status(frames[0]).code == .deadlineExceeded)
    }

    @Test func refusedAndResetStreamsAreAnsweredOnTheConnection() async throws {
        var harness = try await self.harness()
        try await harness.handshake()
        _ = try await harness.frames()
        try await harness.send(.callOpen, 1, CallOpen(method: "/no.Such/Method"))
        try await harness.send(.callOpen, 3, CallOpen(method: TestMethods.echo.fullName, apiKey: TestKeys.reader))
        try await harness.send(FrameType(rawValue: 0x42), 3, [])
        let frames = try await harness.frames()
        #expect(frames.map(\.type) == [.status, .cancel])
        #expect(try HandlerHarness.status(frames[0]).code == .unimplemented)
        #expect(try HandlerHarness.status(frames[1]).code == .invalidArgument)
        #expect(harness.channel.isActive)
    }

    @Test func aProtocolViolationSendsGoAwayAndCloses() async throws {
        var harness = try await self.harness()
        try await harness.handshake()
        _ = try await harness.frames()
        try await harness.send(.message, 7, [1])
        let frames = try await harness.frames()
        #expect(frames.map(\.type) == [.goAway])
        #expect(!harness.channel.isActive)
    }

    @Test func closingTheSocketCancelsRunningCalls() async throws {
        let harness = try await self.harness()
        try await harness.handshake()
        try await harness.send(
            .callOpen,
            1,
            CallOpen(method: TestMethods.sleep.fullName, apiKey: TestKeys.reader, integrationID: "int-1")
        )
        try await harness.send(.message, 1, try PingRequest(payload: [200]).encode())
        var iterator = self.calls.makeAsyncIterator()
        let call = try #require(await iterator.next())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.runner.run(call) }
            try await eventually("the handler to start") { call.stream.cancelReason == nil && !call.stream.isFinished }
            try await harness.channel.close()
            try await group.waitForAll()
        }
        #expect(call.stream.cancelReason == .connectionClosed)
        let next = await iterator.next()
        #expect(next == nil)
    }
}

@Suite struct ClientConnectionHandlerTests {
    func harness(_ configure: (inout ConnectionLimits) -> Void = { _ in }) async throws -> HandlerHarness {
        var limits = ConnectionLimits()
        configure(&limits)
        let frozen = limits
        return try await HandlerHarness(
            { ClientConnectionHandler(limits: frozen, logger: Logger(label: "test")) },
            limits: limits
        )
    }

    /// Opens a call through the handler, on its event loop.
    func open(
        _ harness: HandlerHarness,
        request: [UInt8] = [1],
        timeout: Duration? = nil,
        isUnary: Bool = true
    ) async throws -> (UInt32, ClientEventQueue) {
        let channel = harness.channel
        let queue = ClientEventQueue()
        try await channel.testingEventLoop.executeInContext {
            let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
            handler.open(
                CallOpen(method: TestMethods.echo.fullName),
                request: request,
                timeout: timeout,
                isUnary: isUnary,
                queue: queue
            )
        }
        guard let id = queue.streamID else {
            if case .failed(let error) = queue.poll() { throw error }
            throw ATSBridgeError(.internalError, "the call neither opened nor failed")
        }
        return (id, queue)
    }

    func handshakeDone(_ harness: HandlerHarness) async throws -> EventLoopFuture<Void> {
        let channel = harness.channel
        return try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self).handshakeDone
        }
    }

    @Test func theHandshakeCompletesOnTheServersSettings() async throws {
        var harness = try await self.harness { $0.initialCredit = 5 }
        let sent = try await harness.frames()
        #expect(sent.count == 1)
        #expect(try Settings(decoding: Array(sent[0].payload.readableBytesView)).initialCredit == 5)
        let done = try await self.handshakeDone(harness)
        try await harness.handshake()
        try await done.get()
    }

    @Test func aUnaryCallSendsOpenAndRequestAndReceivesItsResult() async throws {
        var harness = try await self.harness()
        try await harness.handshake()
        let (id, events) = try await self.open(harness, request: [7])
        let frames = try await harness.frames()
        #expect(frames.map(\.type) == [.settings, .callOpen, .message])
        #expect(frames[2].streamID == id && frames[2].flags.contains(.endStream))
        try await harness.send(.message, id, [42])
        try await harness.send(.status, id, Status(code: .ok))
        var iterator = events.makeAsyncIterator()
        guard case .unaryResult(let response?, let status) = try await iterator.next() else {
            Issue.record("expected the unary result")
            return
        }
        #expect(Array(response.readableBytesView) == [42] && status.code == .ok)
    }

    @Test func theDeadlineFailsTheCallAndCancelsItOnTheServer() async throws {
        var harness = try await self.harness()
        try await harness.handshake()
        let (id, events) = try await self.open(harness, timeout: .seconds(2))
        _ = try await harness.frames()
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(2))
        let frames = try await harness.frames()
        // Then a PING: the deadline may have passed because the server went silent.
        #expect(frames.map(\.type) == [.cancel, .ping] && frames[0].streamID == id)
        await #expect(throws: ATSBridgeError.self) { for try await _ in events {} }
    }

    @Test func aPeerThatLetsAPingGoUnansweredIsDropped() async throws {
        var harness = try await self.harness { $0.keepaliveTimeout = .seconds(5) }
        try await harness.handshake()
        _ = try await self.open(harness, timeout: .seconds(2))
        _ = try await harness.frames()
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(2))
        #expect(try await harness.frames().map(\.type) == [.cancel, .ping])
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(4))
        #expect(harness.channel.isActive)
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(1))
        #expect(!harness.channel.isActive, "the next call opens a new connection")
    }

    @Test func anAnsweredPingKeepsTheConnection() async throws {
        var harness = try await self.harness { $0.keepaliveTimeout = .seconds(5) }
        try await harness.handshake()
        _ = try await self.open(harness, timeout: .seconds(2))
        _ = try await harness.frames()
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(2))
        let ping = try #require(try await harness.frames().first { $0.type == .ping })
        try await harness.send(.ping, flags: .ack, 0, Array(ping.payload.readableBytesView))
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(10))
        #expect(harness.channel.isActive)
    }

    @Test func aStreamWaitingWithNothingReceivedChecksItsConnection() async throws {
        var harness = try await self.harness { $0.keepaliveInterval = .seconds(30) }
        try await harness.handshake()
        let (id, _) = try await self.open(harness, isUnary: false)
        _ = try await harness.frames()
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(20))
        try await harness.send(.message, id, [1])
        // 30 s after the handshake, but only 10 s after the last message: nothing to check.
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(10))
        #expect(try await harness.frames().allSatisfy { $0.type != .ping })
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(30))
        #expect(try await harness.frames().map(\.type).contains(.ping))
    }

    @Test func aRequestOverTheServersLimitIsRefusedLocally() async throws {
        var harness = try await self.harness()
        try await harness.handshake(Settings(maxMessageSize: 4))
        await #expect {
            _ = try await self.open(harness, request: [1, 2, 3, 4, 5])
        } throws: {
            ($0 as? ATSBridgeError)?.code.status == .resourceExhausted
        }
        #expect(try await harness.frames().map(\.type) == [.settings])
    }

    @Test func aMessageWithoutCreditClosesTheConnectionAndFailsCalls() async throws {
        var harness = try await self.harness { $0.initialCredit = 1 }
        try await harness.handshake()
        let (id, events) = try await self.open(harness, isUnary: false)
        try await harness.send(.message, id, [1])
        try await harness.send(.message, id, [2])
        var iterator = events.makeAsyncIterator()
        guard case .message = try await iterator.next() else {
            Issue.record("the first message is delivered")
            return
        }
        await #expect(throws: ATSBridgeError.self) { _ = try await iterator.next() }
        #expect(try await harness.frames().map(\.type).last == .goAway)
        #expect(!harness.channel.isActive)
    }

    @Test func theConnectionClosingFailsRunningCalls() async throws {
        let harness = try await self.harness()
        try await harness.handshake()
        let (_, events) = try await self.open(harness, isUnary: false)
        try await harness.channel.close()
        await #expect {
            for try await _ in events {}
        } throws: {
            ($0 as? ATSBridgeError)?.code.status == .unavailable
        }
    }
}

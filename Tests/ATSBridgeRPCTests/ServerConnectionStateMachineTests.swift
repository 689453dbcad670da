import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeTestSupport
import NIOCore
import Testing

/// Every transition of the server's connection state machine, without sockets.
@Suite struct ServerConnectionStateMachineTests {
    typealias Machine = ServerConnectionStateMachine

    static func frame(_ type: FrameType, flags: FrameFlags = [], _ streamID: UInt32, _ payload: [UInt8] = []) -> Frame {
        Frame(type: type, flags: flags, streamID: streamID, payload: ByteBuffer(bytes: payload))
    }

    static func settings(_ settings: Settings = Settings()) throws -> Frame {
        self.frame(.settings, 0, try settings.encode())
    }

    static func callOpen(_ id: UInt32, method: String = TestMethods.echo.fullName) throws -> Frame {
        self.frame(.callOpen, id, try CallOpen(method: method, apiKey: "k", integrationID: "int-1").encode())
    }

    static func credit(_ id: UInt32, _ count: UInt32) -> Frame {
        var buffer = ByteBuffer()
        buffer.writeInteger(count)
        return Frame(type: .credit, streamID: id, payload: buffer)
    }

    static var methods: [String: RegisteredMethod] {
        TestMethods.router(probe: Probe(), store: InMemoryRecordStore()).methods
    }

    static func machine(_ configure: (inout ConnectionLimits) -> Void = { _ in }) -> Machine {
        var limits = ConnectionLimits()
        configure(&limits)
        return Machine(limits: limits, methods: self.methods)
    }

    /// A machine whose handshake is done, with the client's `settings`.
    static func active(
        _ settings: Settings = Settings(),
        _ configure: (inout ConnectionLimits) -> Void = { _ in }
    ) throws -> Machine {
        var machine = self.machine(configure)
        _ = machine.start()
        machine.receivedPreface()
        guard case .handshakeComplete = machine.receivedFrame(try self.settings(settings)) else {
            Issue.record("handshake did not complete")
            return machine
        }
        return machine
    }

    static func goAway(_ action: Machine.Action) -> GoAway? {
        if case .closeConnection(let goAway?) = action { return goAway }
        if case .sendGoAway(let goAway) = action { return goAway }
        return nil
    }

    static func isClosed(_ machine: Machine) -> Bool {
        if case .closed = machine.state { return true }
        return false
    }

    static func isDraining(_ machine: Machine) -> Bool {
        if case .draining = machine.state { return true }
        return false
    }

    // MARK: Handshake

    @Test func startSendsSettingsOnceAndAwaitsThePreface() {
        var machine = Self.machine { $0.maxConcurrentStreams = 7 }
        let settings = machine.start()
        #expect(settings?.initialCredit == 1)
        #expect(settings?.maxConcurrentStreams == 7)
        let result1 = machine.start()
        #expect(result1 == nil)
        guard case .awaitingPreface = machine.state else {
            Issue.record("expected awaitingPreface, got \(machine.state)")
            return
        }
        machine.receivedPreface()
        guard case .awaitingSettings = machine.state else {
            Issue.record("expected awaitingSettings, got \(machine.state)")
            return
        }
    }

    @Test func settingsCompleteTheHandshake() throws {
        let machine = try Self.active(Settings(initialCredit: 5))
        guard case .active(let connected) = machine.state else {
            Issue.record("expected active")
            return
        }
        #expect(connected.peer.initialCredit == 5)
    }

    @Test func aFrameBeforeSettingsIsAConnectionError() throws {
        var machine = Self.machine()
        _ = machine.start()
        machine.receivedPreface()
        let action = machine.receivedFrame(try Self.callOpen(1))
        #expect(Self.goAway(action)?.code == .invalidArgument)
        #expect(Self.isClosed(machine))
    }

    @Test(arguments: [UInt32(0), 1])
    func undecodableOrMisplacedSettingsAreAConnectionError(streamID: UInt32) throws {
        var machine = Self.machine()
        _ = machine.start()
        machine.receivedPreface()
        let payload: [UInt8] = streamID == 0 ? [0xFF, 0xFF] : try Settings().encode()
        let action = machine.receivedFrame(Self.frame(.settings, streamID, payload))
        #expect(Self.goAway(action)?.code == .invalidArgument)
        #expect(Self.isClosed(machine))
    }

    @Test func anOversizedMessageBeforeSettingsIsAConnectionError() {
        var machine = Self.machine()
        _ = machine.start()
        machine.receivedPreface()
        #expect(Self.goAway(machine.receivedOversizedMessage(streamID: 1, length: 1 << 30)) != nil)
        #expect(Self.isClosed(machine))
    }

    @Test func theHandshakeTimeoutClosesWithGoAwayDeadlineExceeded() throws {
        for prefaceArrived in [false, true] {
            var machine = Self.machine()
            _ = machine.start()
            if prefaceArrived { machine.receivedPreface() }
            #expect(Self.goAway(machine.handshakeTimedOut())?.code == .deadlineExceeded)
            #expect(Self.isClosed(machine))
        }
        var active = try Self.active()
        guard case .none = active.handshakeTimedOut() else {
            Issue.record("a late handshake timer must do nothing")
            return
        }
    }

    // MARK: Calls

    @Test func callOpenOpensAStreamWithThePeersCreditAndLimits() throws {
        var machine = try Self.active(Settings(maxFrameSize: 2000, initialCredit: 3, maxMessageSize: 5000))
        guard case .openCall(let opened) = machine.receivedFrame(try Self.callOpen(1)) else {
            Issue.record("expected openCall")
            return
        }
        #expect(opened.streamID == 1)
        #expect(opened.method.name == TestMethods.echo.fullName)
        #expect(opened.initialCredit == 3)
        #expect(opened.maxResponseSize == 2000)
        #expect(machine.openStreams == 1)
        #expect(machine.lastStreamID == 1)
    }

    @Test func callOpenNotAboveEarlierIDsIsAConnectionError() throws {
        var machine = try Self.active()
        _ = machine.receivedFrame(try Self.callOpen(5))
        #expect(Self.goAway(machine.receivedFrame(try Self.callOpen(5)))?.code == .invalidArgument)
        #expect(Self.isClosed(machine))
        var zero = try Self.active()
        #expect(Self.goAway(zero.receivedFrame(try Self.callOpen(0))) != nil)
    }

    @Test func callsBeyondTheConcurrencyLimitAreRefused() throws {
        var machine = try Self.active { $0.maxConcurrentStreams = 1 }
        _ = machine.receivedFrame(try Self.callOpen(1))
        let action = machine.receivedFrame(try Self.callOpen(3))
        guard case .limitHit(.concurrentStreams, .refuseCall(3, let status)) = action else {
            Issue.record("expected a refusal, counted as a limit hit")
            return
        }
        #expect(status.code == .resourceExhausted)
        #expect(machine.openStreams == 1)
    }

    @Test func undecodableCallOpenAndUnknownMethodsAreRefused() throws {
        var machine = try Self.active()
        guard case .refuseCall(1, let undecodable) = machine.receivedFrame(Self.frame(.callOpen, 1, [0xFF, 0x01]))
        else {
            Issue.record("expected a refusal")
            return
        }
        #expect(undecodable.code == .invalidArgument)
        guard case .refuseCall(3, let unknown) = machine.receivedFrame(try Self.callOpen(3, method: "/x.Y/Z")) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(unknown.code == .unimplemented)
        #expect(machine.openStreams == 0)
    }

    @Test func theRequestRunsTheCallAndASecondOneIsACardinalityError() throws {
        var machine = try Self.active()
        _ = machine.receivedFrame(try Self.callOpen(1))
        guard case .runCall(1, let request) = machine.receivedFrame(Self.frame(.message, 1, [1, 2])) else {
            Issue.record("expected runCall")
            return
        }
        #expect(Array(request.readableBytesView) == [1, 2])
        guard
            case .resetStream(1, .status, let status, cancelHandler: true, then: .none) = machine.receivedFrame(
                Self.frame(.message, 1, [3])
            )
        else {
            Issue.record("expected a reset")
            return
        }
        #expect(status.errorCode == "PLATFORM.CARDINALITY_VIOLATION")
        // The running call keeps its stream until its task finishes.
        #expect(machine.openStreams == 1)
        let result2 = machine.streamFinished(1)
        #expect(result2 == .armIdleTimer)
    }

    @Test func framesOnStreamsNeverOpenedAreConnectionErrorsAndOnClosedOnesIgnored() throws {
        for type in [FrameType.message, .cancel] {
            var machine = try Self.active()
            _ = machine.receivedFrame(try Self.callOpen(3))
            _ = machine.receivedFrame(Self.frame(.cancel, 3))
            guard case .none = machine.receivedFrame(Self.frame(type, 3)) else {
                Issue.record("\(type) on a closed stream must be ignored")
                return
            }
            guard case .none = machine.receivedFrame(Self.frame(type, 1)) else {
                Issue.record("\(type) on a skipped id below the highest must be ignored")
                return
            }
            #expect(Self.goAway(machine.receivedFrame(Self.frame(type, 9)))?.code == .invalidArgument)
            #expect(Self.isClosed(machine))
        }
        var credit = try Self.active()
        #expect(Self.goAway(credit.receivedFrame(Self.credit(7, 1))) != nil)
    }

    @Test func oversizedMessagesResetTheirStreamOnly() throws {
        var machine = try Self.active()
        _ = machine.receivedFrame(try Self.callOpen(1))
        _ = machine.receivedFrame(try Self.callOpen(3))
        guard
            case .resetStream(1, .status, let status, cancelHandler: true, then: .none) =
                machine.receivedOversizedMessage(streamID: 1, length: 1 << 23)
        else {
            Issue.record("expected a reset")
            return
        }
        #expect(status.code == .resourceExhausted)
        #expect(machine.openStreams == 1)
        guard
            case .resetStream(3, _, _, _, then: .armIdleTimer) = machine.receivedOversizedMessage(
                streamID: 3,
                length: 1 << 23
            )
        else {
            Issue.record("expected the last stream's reset to arm the idle timer")
            return
        }
        guard case .none = machine.receivedOversizedMessage(streamID: 1, length: 10) else {
            Issue.record("an oversized message on a closed stream must be ignored")
            return
        }
        #expect(Self.goAway(machine.receivedOversizedMessage(streamID: 9, length: 10)) != nil)
    }

    /// A MESSAGE refused after the request (too large, or no room in the request memory) is a
    /// stream error like a second request within the limits: the running handler is cancelled.
    @Test func aRefusedMessageOnARunningCallCancelsItsHandler() throws {
        var machine = try Self.active()
        for id: UInt32 in [1, 3] {
            _ = machine.receivedFrame(try Self.callOpen(id))
            guard case .runCall(id, _) = machine.receivedFrame(Self.frame(.message, id, [1])) else {
                Issue.record("expected the call to run")
                return
            }
        }
        guard
            case .resetStream(1, .status, let status, cancelHandler: true, then: .none) =
                machine.receivedOversizedMessage(streamID: 1, length: 1 << 23)
        else {
            Issue.record("expected a reset that cancels the handler")
            return
        }
        #expect(status.code == .resourceExhausted)
        guard
            case .limitHit(.requestMemory, .resetStream(3, .status, _, cancelHandler: true, then: .none)) =
                machine.receivedRefusedMessage(streamID: 3, length: 1 << 20)
        else {
            Issue.record("expected a counted reset that cancels the handler")
            return
        }
    }

    // MARK: Credit

    @Test func creditIsGrantedToTheStream() throws {
        var machine = try Self.active()
        _ = machine.receivedFrame(try Self.callOpen(1))
        guard case .grantCredit(1, 16) = machine.receivedFrame(Self.credit(1, 16)) else {
            Issue.record("expected a grant")
            return
        }
    }

    @Test func oneGrantOfExactlyTheMaximumIsAccepted() throws {
        var machine = try Self.active(Settings(initialCredit: 0))
        _ = machine.receivedFrame(try Self.callOpen(1))
        guard case .grantCredit(1, Int(Int32.max)) = machine.receivedFrame(Self.credit(1, UInt32(Int32.max))) else {
            Issue.record("a grant of 2^31-1 must be accepted")
            return
        }
        #expect(Self.goAway(machine.receivedFrame(Self.credit(1, 1)))?.code == .invalidArgument)
        #expect(Self.isClosed(machine))
    }

    @Test func cumulativeCreditPastTheMaximumIsAConnectionError() throws {
        var machine = try Self.active()
        _ = machine.receivedFrame(try Self.callOpen(1))
        _ = machine.receivedFrame(Self.credit(1, 1 << 30))
        #expect(Self.goAway(machine.receivedFrame(Self.credit(1, 1 << 30))) != nil)
    }

    @Test func sentMessagesUseCreditSoLaterGrantsFit() throws {
        var machine = try Self.active(Settings(initialCredit: 2))
        _ = machine.receivedFrame(try Self.callOpen(1))
        machine.sentMessages(2, streamID: 1)
        guard case .grantCredit = machine.receivedFrame(Self.credit(1, UInt32(Int32.max))) else {
            Issue.record("the grant fits once the initial credit is used")
            return
        }
    }

    @Test(arguments: [[UInt8](), [0, 0, 0, 0], [0, 0, 1]])
    func zeroOrMalformedCreditIsAConnectionError(payload: [UInt8]) throws {
        var machine = try Self.active()
        _ = machine.receivedFrame(try Self.callOpen(1))
        #expect(Self.goAway(machine.receivedFrame(Self.frame(.credit, 1, payload)))?.code == .invalidArgument)
    }

    // MARK: Other frames

    @Test func cancelStopsTheCallAndTheLastOneArmsTheIdleTimer() throws {
        var machine = try Self.active()
        _ = machine.receivedFrame(try Self.callOpen(1))
        _ = machine.receivedFrame(try Self.callOpen(3))
        guard case .cancelCall(1, then: .none) = machine.receivedFrame(Self.frame(.cancel, 1)) else {
            Issue.record("expected cancelCall")
            return
        }
        guard case .cancelCall(3, then: .armIdleTimer) = machine.receivedFrame(Self.frame(.cancel, 3)) else {
            Issue.record("expected cancelCall arming the idle timer")
            return
        }
    }

    @Test func unknownFrameTypesResetAnOpenStreamWithCancelAndAreIgnoredElsewhere() throws {
        var machine = try Self.active()
        let unknown = FrameType(rawValue: 0x42)
        guard case .none = machine.receivedFrame(Self.frame(unknown, 0, [1])) else {
            Issue.record("ignored on the connection")
            return
        }
        _ = machine.receivedFrame(try Self.callOpen(1))
        _ = machine.receivedFrame(Self.frame(.message, 1, []))
        guard
            case .resetStream(1, .cancel, let status, cancelHandler: true, then: .none) = machine.receivedFrame(
                Self.frame(unknown, 1)
            )
        else {
            Issue.record("expected a CANCEL reset")
            return
        }
        #expect(status.code == .invalidArgument)
    }

    @Test func pingIsAnsweredAndAcksAndGoAwayAreIgnored() throws {
        var machine = try Self.active()
        guard case .pong(let payload) = machine.receivedFrame(Self.frame(.ping, 0, [1, 2, 3, 4, 5, 6, 7, 8])) else {
            Issue.record("expected a pong")
            return
        }
        #expect(Array(payload.readableBytesView) == [1, 2, 3, 4, 5, 6, 7, 8])
        guard case .none = machine.receivedFrame(Self.frame(.ping, flags: .ack, 0, [])) else {
            Issue.record("acks are ignored")
            return
        }
        guard case .none = machine.receivedFrame(Self.frame(.goAway, 0, try GoAway(lastStreamID: 0).encode())) else {
            Issue.record("a client's GOAWAY closes nothing")
            return
        }
    }

    @Test func statusFromAClientIsAConnectionError() throws {
        var machine = try Self.active()
        #expect(Self.goAway(machine.receivedFrame(Self.frame(.status, 1)))?.code == .invalidArgument)
    }

    @Test func laterSettingsApplyToLaterStreams() throws {
        var machine = try Self.active()
        _ = machine.receivedFrame(try Self.settings(Settings(initialCredit: 9)))
        guard case .openCall(let opened) = machine.receivedFrame(try Self.callOpen(1)) else {
            Issue.record("expected openCall")
            return
        }
        #expect(opened.initialCredit == 9)
    }

    // MARK: Idle, shutdown, close

    @Test func theIdleTimerClosesOnlyAConnectionWithoutCalls() throws {
        var machine = try Self.active()
        _ = machine.receivedFrame(try Self.callOpen(1))
        guard case .none = machine.idleTimedOut() else {
            Issue.record("a connection with a call is not idle")
            return
        }
        let result3 = machine.streamFinished(1)
        #expect(result3 == .armIdleTimer)
        #expect(Self.goAway(machine.idleTimedOut())?.code == .ok)
        #expect(Self.isClosed(machine))
    }

    @Test func gracefulShutdownDrainsRunningCallsThenCloses() throws {
        var machine = try Self.active()
        _ = machine.receivedFrame(try Self.callOpen(1))
        _ = machine.receivedFrame(try Self.callOpen(3))
        guard case .sendGoAway(let goAway) = machine.beginGracefulShutdown() else {
            Issue.record("expected GOAWAY")
            return
        }
        #expect(goAway.code == .unavailable && goAway.lastStreamID == 3)
        #expect(Self.isDraining(machine))
        guard case .refuseCall(5, let status) = machine.receivedFrame(try Self.callOpen(5)) else {
            Issue.record("new calls are refused while draining")
            return
        }
        #expect(status.code == .unavailable)
        guard case .none = machine.beginGracefulShutdown() else {
            Issue.record("a second shutdown does nothing")
            return
        }
        let result4 = machine.streamFinished(1)
        #expect(result4 == .none)
        guard case .cancelCall(3, then: .closeConnection) = machine.receivedFrame(Self.frame(.cancel, 3)) else {
            Issue.record("the last call ending closes a draining connection")
            return
        }
        #expect(Self.isClosed(machine))
    }

    @Test func gracefulShutdownOfAnIdleOrHandshakingConnectionClosesAtOnce() throws {
        var active = try Self.active()
        #expect(Self.goAway(active.beginGracefulShutdown())?.code == .unavailable)
        #expect(Self.isClosed(active))
        var handshaking = Self.machine()
        _ = handshaking.start()
        guard case .closeConnection(goAway: nil) = handshaking.beginGracefulShutdown() else {
            Issue.record("expected a close without GOAWAY")
            return
        }
        #expect(Self.isClosed(handshaking))
    }

    @Test func aConnectionNeverStartedClosesOnShutdownAndIgnoresTimers() {
        var machine = Self.machine()
        guard case .closeConnection(goAway: nil) = machine.beginGracefulShutdown() else {
            Issue.record("expected a close without GOAWAY")
            return
        }
        #expect(Self.isClosed(machine))
        let settings = machine.start()
        #expect(settings == nil)
        guard case .none = machine.handshakeTimedOut() else {
            Issue.record("a closed connection ignores its handshake timer")
            return
        }
    }

    @Test func aViolationWhileDrainingCloses() throws {
        var machine = try Self.active()
        _ = machine.receivedFrame(try Self.callOpen(1))
        _ = machine.beginGracefulShutdown()
        #expect(Self.goAway(machine.receivedFrame(Self.frame(.message, 9)))?.code == .invalidArgument)
        #expect(Self.isClosed(machine))
    }

    @Test func violationsCloseOnceAndSilentOnesWithoutGoAway() throws {
        var machine = try Self.active()
        guard case .closeConnection(goAway: nil) = machine.violated(ProtocolViolation(.unavailable, "x", silent: true))
        else {
            Issue.record("a silent violation closes without GOAWAY")
            return
        }
        guard case .none = machine.violated(ProtocolViolation(.invalidArgument, "y")) else {
            Issue.record("a closed connection does nothing")
            return
        }
        guard case .none = machine.receivedFrame(try Self.callOpen(9)) else {
            Issue.record("frames after close are dropped")
            return
        }
    }

    @Test func theSocketClosingEndsEveryState() throws {
        var machine = try Self.active()
        _ = machine.receivedFrame(try Self.callOpen(1))
        machine.closed()
        #expect(Self.isClosed(machine))
        let result5 = machine.streamFinished(1)
        #expect(result5 == .none)
    }
}

import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import NIOCore
import Testing

/// Every transition of the client's connection state machine, without sockets. Waiters are
/// plain numbers.
@Suite struct ClientConnectionStateMachineTests {
    typealias Machine = ClientConnectionStateMachine<Int>
    typealias ServerFrames = ServerConnectionStateMachineTests

    static func call(_ waiter: Int, unary: Bool = false, request: [UInt8] = [1]) -> Machine.PendingCall {
        Machine.PendingCall(
            callOpen: [0x0A, 0x01, 0x61],
            request: request,
            timeout: nil,
            isUnary: unary,
            waiter: waiter
        )
    }

    static func machine(_ configure: (inout ConnectionLimits) -> Void = { _ in }) -> Machine {
        var limits = ConnectionLimits()
        configure(&limits)
        return Machine(limits: limits)
    }

    static func active(
        _ settings: Settings = Settings(),
        _ configure: (inout ConnectionLimits) -> Void = { _ in }
    ) throws -> Machine {
        var machine = self.machine(configure)
        _ = machine.start()
        guard case .handshakeComplete = machine.receivedFrame(try ServerFrames.settings(settings)) else {
            Issue.record("handshake did not complete")
            return machine
        }
        return machine
    }

    /// Opens a call and returns its stream id.
    static func opened(_ machine: inout Machine, unary: Bool = false, waiter: Int = 0) -> UInt32? {
        guard machine.open(self.call(waiter, unary: unary)) == nil,
            case .open(let id, _) = machine.nextOpening()
        else { return nil }
        return id
    }

    static func status(_ code: StatusCode, _ id: UInt32) throws -> Frame {
        ServerFrames.frame(.status, id, try Status(code: code).encode())
    }

    static func closedError(_ action: Machine.Action) -> GoAway?? {
        if case .closeConnection(let goAway, _) = action { return .some(goAway) }
        return nil
    }

    // MARK: Handshake

    @Test func startSendsTheClientSettingsOnce() {
        var machine = Self.machine { $0.initialCredit = 8 }
        let settings = machine.start()
        #expect(settings?.initialCredit == 8)
        let again = machine.start()
        #expect(again == nil)
        #expect(machine.isAcceptingCalls)
    }

    @Test func callsOpenedDuringTheHandshakeWaitForTheServersSettings() throws {
        var machine = Self.machine()
        _ = machine.start()
        let step1 = machine.open(Self.call(1))
        #expect(step1 == nil)
        let step2 = machine.nextOpening()
        #expect(step2 == nil)
        guard case .handshakeComplete = machine.receivedFrame(try ServerFrames.settings()) else {
            Issue.record("expected the handshake to complete")
            return
        }
        guard case .open(1, let call) = machine.nextOpening() else {
            Issue.record("expected the pending call to open on stream 1")
            return
        }
        #expect(call.waiter == 1)
    }

    @Test func aFrameBeforeSettingsIsAConnectionErrorFailingWaiters() throws {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.open(Self.call(4))
        guard
            case .closeConnection(let goAway?, let teardown) = machine.receivedFrame(ServerFrames.frame(.ping, 0, [0]))
        else {
            Issue.record("expected a connection error")
            return
        }
        #expect(goAway.code == .invalidArgument)
        #expect(teardown.waiters == [4])
        #expect(!machine.isAcceptingCalls)
    }

    @Test func undecodableSettingsAreAConnectionError() {
        var machine = Self.machine()
        _ = machine.start()
        #expect(Self.closedError(machine.receivedFrame(ServerFrames.frame(.settings, 0, [0xFF]))) != nil)
    }

    // MARK: Opening calls

    @Test func streamIDsIncreaseAndTheServersStreamLimitQueuesCalls() throws {
        var machine = try Self.active(Settings(maxConcurrentStreams: 1))
        let step3 = Self.opened(&machine)
        #expect(step3 == 1)
        let step4 = machine.open(Self.call(2))
        #expect(step4 == nil)
        let step5 = machine.nextOpening()
        #expect(step5 == nil)
        guard
            case .closeStreams([1], .finished(.status(let status)?), cancel: nil) = machine.receivedFrame(
                try Self.status(.ok, 1)
            )
        else {
            Issue.record("expected the call to finish")
            return
        }
        #expect(status.code == .ok)
        guard case .open(2, let call) = machine.nextOpening() else {
            Issue.record("the queued call opens in the freed slot")
            return
        }
        #expect(call.waiter == 2)
    }

    @Test func aRaisedStreamLimitOpensPendingCalls() throws {
        var machine = try Self.active(Settings(maxConcurrentStreams: 0))
        _ = machine.open(Self.call(1))
        let step6 = machine.nextOpening()
        #expect(step6 == nil)
        guard
            case .openPendingCalls = machine.receivedFrame(try ServerFrames.settings(Settings(maxConcurrentStreams: 5)))
        else {
            Issue.record("expected pending calls to be opened")
            return
        }
        guard case .open(1, _) = machine.nextOpening() else {
            Issue.record("expected stream 1")
            return
        }
    }

    @Test func aRequestOverTheServersLimitIsRefusedWithoutSending() throws {
        var machine = try Self.active(Settings(maxMessageSize: 10))
        _ = machine.open(Self.call(7, request: [UInt8](repeating: 1, count: 11)))
        guard case .refuse(7, let error) = machine.nextOpening() else {
            Issue.record("expected a refusal")
            return
        }
        #expect(error.code.status == .resourceExhausted)
        var framed = try Self.active(Settings(maxFrameSize: 2))
        _ = framed.open(Self.call(8))
        guard case .refuse(8, _) = framed.nextOpening() else {
            Issue.record("a CALL_OPEN over the frame limit is refused too")
            return
        }
    }

    // MARK: Responses

    @Test func streamingMessagesAreDeliveredAndUseCredit() throws {
        var machine = try Self.active { $0.initialCredit = 1 }
        let id = try #require(Self.opened(&machine))
        guard case .deliver(id, let payload) = machine.receivedFrame(ServerFrames.frame(.message, id, [9])) else {
            Issue.record("expected delivery")
            return
        }
        #expect(Array(payload.readableBytesView) == [9])
        let granted = machine.grant(1, streamID: id)
        #expect(granted == 1)
        guard case .deliver = machine.receivedFrame(ServerFrames.frame(.message, id, [10])) else {
            Issue.record("the grant allows one more")
            return
        }
        guard
            case .closeConnection(let goAway?, let teardown) = machine.receivedFrame(
                ServerFrames.frame(.message, id, [])
            )
        else {
            Issue.record("a MESSAGE without credit is a connection error")
            return
        }
        #expect(goAway.code == .invalidArgument)
        #expect(teardown.streams == [id])
    }

    @Test func grantsForStreamsNotOpenSendNothing() throws {
        var machine = try Self.active()
        let granted = machine.grant(4, streamID: 3)
        #expect(granted == nil)
    }

    @Test func aUnaryResponseIsHeldUntilItsStatus() throws {
        var machine = try Self.active()
        let id = try #require(Self.opened(&machine, unary: true))
        guard case .none = machine.receivedFrame(ServerFrames.frame(.message, id, [5])) else {
            Issue.record("a unary response waits for its status")
            return
        }
        guard
            case .closeStreams([id], .finished(.unaryResult(let response?, let status)?), cancel: nil) =
                machine.receivedFrame(try Self.status(.ok, id))
        else {
            Issue.record("expected the unary result")
            return
        }
        #expect(Array(response.readableBytesView) == [5])
        #expect(status.code == .ok)
    }

    @Test func aSecondUnaryResponseFailsTheCall() throws {
        var machine = try Self.active()
        let id = try #require(Self.opened(&machine, unary: true))
        _ = machine.receivedFrame(ServerFrames.frame(.message, id, [1]))
        _ = machine.receivedFrame(ServerFrames.frame(.message, id, [2]))
        guard
            case .closeStreams([id], .failed(let error), cancel: nil) = machine.receivedFrame(try Self.status(.ok, id))
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code.status == .internal)
    }

    @Test func anUndecodableStatusFailsTheCall() throws {
        var machine = try Self.active()
        let id = try #require(Self.opened(&machine))
        guard
            case .closeStreams([id], .failed(let error), cancel: nil) = machine.receivedFrame(
                ServerFrames.frame(.status, id, [0xFF])
            )
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code.status == .internal)
    }

    @Test func aServerCancelFailsTheCallWithItsStatus() throws {
        var machine = try Self.active()
        let id = try #require(Self.opened(&machine))
        let frame = ServerFrames.frame(.cancel, id, try Status(code: .invalidArgument, message: "x").encode())
        guard case .closeStreams([id], .failed(let error), cancel: nil) = machine.receivedFrame(frame) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code.status == .invalidArgument)
    }

    @Test func framesForClosedStreamsAreIgnoredAndForNeverOpenedOnesAConnectionError() throws {
        var machine = try Self.active()
        let id = try #require(Self.opened(&machine))
        _ = machine.receivedFrame(try Self.status(.ok, id))
        guard case .none = machine.receivedFrame(ServerFrames.frame(.message, id, [1])) else {
            Issue.record("late frames are ignored")
            return
        }
        guard case .none = machine.receivedFrame(try Self.status(.ok, id)) else {
            Issue.record("late frames are ignored")
            return
        }
        #expect(Self.closedError(machine.receivedFrame(ServerFrames.frame(.message, 9, [1]))) != nil)
    }

    @Test func aPingIsAnsweredAndUnknownFramesIgnored() throws {
        var machine = try Self.active()
        guard case .pong = machine.receivedFrame(ServerFrames.frame(.ping, 0, [1, 2, 3, 4, 5, 6, 7, 8])) else {
            Issue.record("expected a pong")
            return
        }
        guard case .none = machine.receivedFrame(ServerFrames.frame(.ping, flags: .ack, 0, [])) else {
            Issue.record("acks are ignored")
            return
        }
        guard case .none = machine.receivedFrame(ServerFrames.frame(FrameType(rawValue: 0x42), 0, [])) else {
            Issue.record("unknown frames are ignored")
            return
        }
    }

    // MARK: Giving up

    @Test func abandoningACallSendsCancel() throws {
        var machine = try Self.active()
        let first = try #require(Self.opened(&machine))
        let second = try #require(Self.opened(&machine))
        guard case .closeStreams([first], .finished(nil), cancel: let cancel?) = machine.abandon(first, nil) else {
            Issue.record("expected the call to end with a CANCEL")
            return
        }
        #expect(cancel.code == .cancelled)
        let deadline = ATSBridgeError(.deadlineExceeded, "late")
        guard case .closeStreams([second], .failed(let error), cancel: let status?) = machine.abandon(second, deadline)
        else {
            Issue.record("expected the call to fail with a CANCEL")
            return
        }
        #expect(error.code.status == .deadlineExceeded && status.code == .deadlineExceeded)
        guard case .none = machine.abandon(second, nil) else {
            Issue.record("abandoning twice does nothing")
            return
        }
    }

    @Test func anOversizedResponseFailsItsCallOnly() throws {
        var machine = try Self.active()
        let id = try #require(Self.opened(&machine))
        guard
            case .closeStreams([id], .failed(let error), cancel: _?) = machine.receivedOversizedMessage(
                streamID: id,
                length: 1 << 30
            )
        else {
            Issue.record("expected the call to fail")
            return
        }
        #expect(error.code.status == .resourceExhausted)
        #expect(machine.isAcceptingCalls)
    }

    // MARK: GOAWAY and close

    @Test func goAwayFailsCallsAboveTheLastStreamAndRefusesNewOnes() throws {
        var machine = try Self.active()
        let kept = try #require(Self.opened(&machine))
        let dropped = try #require(Self.opened(&machine))
        let frame = ServerFrames.frame(.goAway, 0, try GoAway(lastStreamID: kept, code: .unavailable).encode())
        guard case .closeStreams([dropped], .failed(let error), cancel: let cancel?) = machine.receivedFrame(frame)
        else {
            Issue.record("expected the unprocessed call to fail")
            return
        }
        #expect(error.code.status == .unavailable && cancel.code == .unavailable)
        #expect(!machine.isAcceptingCalls)
        guard case .refuse(5, _) = machine.open(Self.call(5)) else {
            Issue.record("new calls are refused after GOAWAY")
            return
        }
        guard case .closeStreams([kept], .finished, _) = machine.receivedFrame(try Self.status(.ok, kept)) else {
            Issue.record("calls up to the last stream still finish")
            return
        }
    }

    @Test func pendingCallsAreRefusedAfterGoAway() throws {
        var machine = try Self.active(Settings(maxConcurrentStreams: 1))
        let id = try #require(Self.opened(&machine))
        _ = machine.open(Self.call(6))
        _ = machine.receivedFrame(ServerFrames.frame(.goAway, 0, try GoAway(lastStreamID: id).encode()))
        guard case .refuse(6, let error) = machine.nextOpening() else {
            Issue.record("expected the pending call to be refused")
            return
        }
        #expect(error.code.status == .unavailable)
        let step7 = machine.nextOpening()
        #expect(step7 == nil)
    }

    @Test func aConnectionGoingAwayClosesWithTheCallsItKept() throws {
        var machine = try Self.active()
        let kept = try #require(Self.opened(&machine))
        _ = machine.receivedFrame(ServerFrames.frame(.goAway, 0, try GoAway(lastStreamID: kept).encode()))
        let teardown = machine.closed(ATSBridgeError(.unavailable, "gone"))
        #expect(teardown.streams == [kept])
        guard case .closed = machine.state else {
            Issue.record("expected closed")
            return
        }
    }

    @Test func closingFailsEveryCallAndWaiter() throws {
        var machine = try Self.active(Settings(maxConcurrentStreams: 1))
        let id = try #require(Self.opened(&machine))
        _ = machine.open(Self.call(3))
        let teardown = machine.closed(ATSBridgeError(.unavailable, "gone"))
        #expect(teardown.streams == [id])
        #expect(teardown.waiters == [3])
        #expect(!machine.isAcceptingCalls)
        guard case .none = machine.abandon(id, nil) else {
            Issue.record("nothing is sent after close")
            return
        }
        guard case .refuse = machine.open(Self.call(4)) else {
            Issue.record("calls are refused after close")
            return
        }
        guard case .none = machine.violated(ProtocolViolation(.invalidArgument, "late")) else {
            Issue.record("a closed connection does nothing")
            return
        }
    }
}

package import ATSBridgeCore
package import ATSBridgeProto
package import NIOCore

/// The protocol state of one client connection (docs/protocol.md), without I/O or timers:
/// ``ClientConnectionHandler`` feeds it the server's frames and its callers' requests, and
/// performs the actions it returns. `Waiter` is what a caller waiting for its call to open
/// is woken through (a promise in the handler, anything in tests).
///
/// `idle` → `awaitingSettings` → `active` → `goingAway` (the server sent GOAWAY) → `closed`.
package struct ClientConnectionStateMachine<Waiter> {
    /// The protocol state of one open stream.
    package struct StreamState {
        package var isUnary: Bool
        /// A unary call's response, held until its STATUS so the caller wakes once.
        package var unaryResponse: ByteBuffer?
        package var unaryResponses = 0
        /// The responses the server may still send.
        package var credit: StreamCredit
    }

    /// A call waiting to open: for the handshake, or for a stream slot (the server's
    /// `max_concurrent_streams`).
    package struct PendingCall {
        /// The encoded `CallOpen`.
        package var callOpen: [UInt8]
        /// The encoded request message.
        package var request: [UInt8]
        package var timeout: Duration?
        package var isUnary: Bool
        package var waiter: Waiter

        package init(callOpen: [UInt8], request: [UInt8], timeout: Duration?, isUnary: Bool, waiter: Waiter) {
            self.callOpen = callOpen
            self.request = request
            self.timeout = timeout
            self.isUnary = isUnary
            self.waiter = waiter
        }
    }

    /// What a connection with a completed handshake knows.
    package struct Connected {
        package var streams = StreamTable<StreamState>()
        package var peer = PeerSettings.serverDefaults
        package var pending: [PendingCall] = []
    }

    /// The phases, each with its own data.
    package enum State {
        /// Not started: nothing sent.
        case idle
        /// The client's preface and SETTINGS are out; waiting for the server's SETTINGS.
        case awaitingSettings(pending: [PendingCall])
        /// Calls open.
        case active(Connected)
        /// The server sent GOAWAY: calls up to `lastStreamID` finish, no new ones open.
        case goingAway(Connected, lastStreamID: UInt32)
        /// Closed.
        case closed
        /// Transient, while a `Connected` is changed in place.
        case modifying
    }

    /// How a stream ends for its caller.
    package enum StreamEnd {
        /// Deliver `event` (if any), then finish the caller's sequence.
        case finished(ClientStreamEvent?)
        /// Fail the caller's sequence.
        case failed(ATSBridgeError)
    }

    /// Everything to fail when the connection ends.
    package struct Teardown {
        package var streams: [UInt32]
        package var waiters: [Waiter]
        package var error: ATSBridgeError
    }

    /// A pending call's turn.
    package enum Opening {
        /// Send CALL_OPEN and the request on the new stream `streamID`.
        case open(streamID: UInt32, PendingCall)
        /// Fail the call without sending it.
        case refuse(Waiter, ATSBridgeError)
    }

    /// What the handler must do.
    package enum Action {
        /// Nothing.
        case none
        /// The server's SETTINGS arrived: the connection is ready; open pending calls.
        case handshakeComplete
        /// Hand a response message to a streaming call's caller.
        case deliver(streamID: UInt32, ByteBuffer)
        /// End calls for their callers; with `cancel`, send CANCEL carrying that status on each.
        /// Then open pending calls.
        case closeStreams([UInt32], StreamEnd, cancel: Status?)
        /// Answer a PING with these bytes.
        case pong(ByteBuffer)
        /// The server's limits changed: open pending calls.
        case openPendingCalls
        /// Send `goAway` (if any), close the socket, and fail everything in `teardown`.
        case closeConnection(goAway: GoAway?, Teardown)
    }

    package private(set) var state = State.idle
    private let limits: ConnectionLimits
    /// What the server's GOAWAY said, for calls refused after it (e.g. over its connection limit).
    private var goAwayReason: String?

    /// The error of a call refused because the connection is closing, with the GOAWAY's reason.
    package var closingError: ATSBridgeError {
        ATSBridgeError(.unavailable, "the connection is closing" + (self.goAwayReason.map { " (\($0))" } ?? ""))
    }

    /// A machine for a connection with these (local) limits.
    package init(limits: ConnectionLimits) {
        self.limits = limits
    }

    /// The settings the client announces.
    package var localSettings: Settings {
        Settings(
            maxFrameSize: UInt32(clamping: self.limits.maxFrameSize),
            initialCredit: UInt32(clamping: self.limits.initialCredit),
            maxMessageSize: UInt32(clamping: self.limits.maxMessageSize)
        )
    }

    /// Whether new calls may still be opened.
    package var isAcceptingCalls: Bool {
        switch self.state {
        case .idle, .awaitingSettings, .active: true
        case .goingAway, .closed, .modifying: false
        }
    }

    // MARK: Connection events

    /// The socket is open.
    ///
    /// - Returns: The settings to send after the preface, or `nil` when already started.
    package mutating func start() -> Settings? {
        guard case .idle = self.state else { return nil }
        self.state = .awaitingSettings(pending: [])
        return self.localSettings
    }

    /// The socket closed, or failed with `error`.
    package mutating func closed(_ error: ATSBridgeError) -> Teardown {
        let teardown = self.teardown(error)
        self.state = .closed
        return teardown
    }

    /// The server broke the protocol (a decoder error, or found here).
    package mutating func violated(_ violation: ProtocolViolation) -> Action {
        if case .closed = self.state { return .none }
        let teardown = self.closed(ATSBridgeError(.unavailable, violation.message))
        return .closeConnection(
            goAway: violation.silent ? nil : GoAway(lastStreamID: 0, code: violation.code, message: violation.message),
            teardown
        )
    }

    private func teardown(_ error: ATSBridgeError) -> Teardown {
        switch self.state {
        case .awaitingSettings(let pending):
            return Teardown(streams: [], waiters: pending.map(\.waiter), error: error)
        case .active(let connected), .goingAway(let connected, _):
            return Teardown(streams: connected.streams.openIDs, waiters: connected.pending.map(\.waiter), error: error)
        case .idle, .closed, .modifying:
            return Teardown(streams: [], waiters: [], error: error)
        }
    }

    // MARK: Calls

    /// A caller wants to open a call; it waits in line for the handshake or a stream slot.
    ///
    /// - Returns: The waiter to fail when the connection accepts no more calls; otherwise call
    ///   ``nextOpening()`` until it returns `nil`.
    package mutating func open(_ call: PendingCall) -> Opening? {
        switch self.state {
        case .awaitingSettings(var pending):
            pending.append(call)
            self.state = .awaitingSettings(pending: pending)
            return nil
        case .active(var connected):
            self.state = .modifying
            connected.pending.append(call)
            self.state = .active(connected)
            return nil
        case .idle, .goingAway, .closed, .modifying:
            return .refuse(call.waiter, self.closingError)
        }
    }

    /// The next pending call that may open now, or one to refuse; `nil` when none.
    package mutating func nextOpening() -> Opening? {
        switch self.state {
        case .active(var connected):
            guard !connected.pending.isEmpty, connected.streams.count < connected.peer.maxConcurrentStreams else {
                return nil
            }
            self.state = .modifying
            let call = connected.pending.removeFirst()
            defer { self.state = .active(connected) }
            let limit = connected.peer.maxOutboundMessageSize
            guard call.callOpen.count <= connected.peer.maxFrameSize else {
                return .refuse(
                    call.waiter,
                    ATSBridgeError(.resourceExhausted, "the call's metadata exceeds the server's frame size limit")
                )
            }
            guard call.request.count <= limit else {
                return .refuse(
                    call.waiter,
                    ATSBridgeError(
                        .resourceExhausted,
                        "request message of \(call.request.count) bytes exceeds the server's limit of \(limit)"
                    )
                )
            }
            let id = connected.streams.highestID + 1
            _ = connected.streams.claim(id)
            connected.streams.open(
                id,
                StreamState(isUnary: call.isUnary, credit: StreamCredit(initial: self.limits.initialCredit))
            )
            return .open(streamID: id, call)
        case .goingAway(var connected, let last):
            guard !connected.pending.isEmpty else { return nil }
            self.state = .modifying
            let call = connected.pending.removeFirst()
            self.state = .goingAway(connected, lastStreamID: last)
            return .refuse(call.waiter, self.closingError)
        case .idle, .awaitingSettings, .closed, .modifying:
            return nil
        }
    }

    /// The caller of a streaming call took messages: how much credit to grant the server, or
    /// `nil` when the stream is not open (nothing to send).
    package mutating func grant(_ count: Int, streamID: UInt32) -> UInt32? {
        let count = UInt32(clamping: count)
        let granted = self.withConnected { connected in
            connected.streams.update(streamID) { $0.credit.grant(count) } ?? false
        }
        return granted == true ? count : nil
    }

    /// The caller gave up on a call (`error` nil), or its deadline passed or its response was
    /// too large (`error` set): end it, and tell the server with CANCEL.
    package mutating func abandon(_ streamID: UInt32, _ error: ATSBridgeError?) -> Action {
        let removed = self.withConnected { connected in connected.streams.close(streamID) != nil }
        guard removed == true else { return .none }
        return .closeStreams(
            [streamID],
            error.map { .failed($0) } ?? .finished(nil),
            cancel: Status(code: error?.code.status ?? .cancelled)
        )
    }

    // MARK: Frames

    /// A MESSAGE arrived whose length exceeds the client's limit; its bytes were skipped.
    package mutating func receivedOversizedMessage(streamID: UInt32, length: Int) -> Action {
        self.abandon(
            streamID,
            ATSBridgeError(.resourceExhausted, "response message of \(length) bytes exceeds the client's limit")
        )
    }

    /// A frame arrived.
    package mutating func receivedFrame(_ frame: Frame) -> Action {
        switch self.state {
        case .awaitingSettings(let pending):
            guard frame.type == .settings else {
                return self.violated(ProtocolViolation(.invalidArgument, "expected SETTINGS, got \(frame.type)"))
            }
            guard let settings = self.settings(in: frame) else {
                return self.violated(ProtocolViolation(.invalidArgument, "undecodable SETTINGS"))
            }
            var connected = Connected()
            connected.peer.apply(settings)
            connected.pending = pending
            self.state = .active(connected)
            return .handshakeComplete
        case .active, .goingAway:
            break
        case .idle, .closed, .modifying:
            return .none
        }
        switch frame.type {
        case .message:
            return self.receivedMessage(frame)
        case .status:
            return self.receivedStatus(frame)
        case .cancel:
            return self.receivedCancel(frame)
        case .settings:
            guard let settings = self.settings(in: frame) else {
                return self.violated(ProtocolViolation(.invalidArgument, "undecodable SETTINGS"))
            }
            _ = self.withConnected { $0.peer.apply(settings) }
            // A higher stream limit may let pending calls open.
            return .openPendingCalls
        case .ping:
            return frame.flags.contains(.ack) ? .none : .pong(frame.payload)
        case .goAway:
            return self.receivedGoAway(frame)
        default:
            return .none
        }
    }

    private func settings(in frame: Frame) -> Settings? {
        guard frame.streamID == 0 else { return nil }
        return try? Settings(decoding: Array(frame.payload.readableBytesView))
    }

    /// What a MESSAGE means for its stream.
    private enum MessageOutcome {
        case deliver
        case held
        case noCredit
        case notOpen(StreamTable<StreamState>.Lookup)
    }

    private mutating func receivedMessage(_ frame: Frame) -> Action {
        let outcome = self.withConnected { connected -> MessageOutcome in
            connected.streams.update(frame.streamID) { stream -> MessageOutcome in
                guard stream.credit.consume() else { return .noCredit }
                guard stream.isUnary else { return .deliver }
                stream.unaryResponse = frame.payload
                stream.unaryResponses += 1
                return .held
            } ?? .notOpen(connected.streams.lookup(frame.streamID))
        }
        switch outcome {
        case .deliver?:
            return .deliver(streamID: frame.streamID, frame.payload)
        case .held?, nil, .notOpen(.closed)?, .notOpen(.open)?:
            return .none
        case .noCredit?:
            return self.violated(
                ProtocolViolation(.invalidArgument, "MESSAGE without credit on stream \(frame.streamID)")
            )
        case .notOpen(.neverOpened)?:
            return self.violated(
                ProtocolViolation(.invalidArgument, "MESSAGE on stream \(frame.streamID), never opened")
            )
        }
    }

    private mutating func receivedStatus(_ frame: Frame) -> Action {
        let closed = self.withConnected { connected in connected.streams.close(frame.streamID) }
        guard let stream = closed ?? nil else { return .none }
        guard let status = try? Status(decoding: Array(frame.payload.readableBytesView)) else {
            return .closeStreams(
                [frame.streamID],
                .failed(ATSBridgeError(.internalError, "undecodable STATUS from the server")),
                cancel: nil
            )
        }
        guard stream.isUnary else { return .closeStreams([frame.streamID], .finished(.status(status)), cancel: nil) }
        guard stream.unaryResponses <= 1 else {
            return .closeStreams(
                [frame.streamID],
                .failed(ATSBridgeError(.internalError, "the server sent more than one response to a unary call")),
                cancel: nil
            )
        }
        return .closeStreams([frame.streamID], .finished(.unaryResult(stream.unaryResponse, status)), cancel: nil)
    }

    private mutating func receivedCancel(_ frame: Frame) -> Action {
        let closed = self.withConnected { connected in connected.streams.close(frame.streamID) != nil }
        guard closed == true else { return .none }
        let status = try? Status(decoding: Array(frame.payload.readableBytesView))
        let error =
            status.map { ATSBridgeError(status: $0) } ?? ATSBridgeError(.cancelled, "the server cancelled the call")
        return .closeStreams([frame.streamID], .failed(error), cancel: nil)
    }

    private mutating func receivedGoAway(_ frame: Frame) -> Action {
        let goAway = try? GoAway(decoding: Array(frame.payload.readableBytesView))
        let last = goAway?.lastStreamID ?? 0
        if let goAway, let code = goAway.code, code != .ok {
            self.goAwayReason =
                "the server sent GOAWAY \(code.name ?? "\(code.rawValue)")"
                + (goAway.message.map { ": \($0)" } ?? "")
        }
        let connected: Connected
        switch self.state {
        case .active(let value), .goingAway(let value, _): connected = value
        default: return .none
        }
        self.state = .modifying
        var remaining = connected
        let abandoned = connected.streams.openIDs.filter { $0 > last }
        for id in abandoned { remaining.streams.close(id) }
        self.state = .goingAway(remaining, lastStreamID: last)
        let error = ATSBridgeError(.unavailable, "the server is going away; the call was not processed")
        return .closeStreams(abandoned, .failed(error), cancel: Status(code: .unavailable))
    }

    /// Changes the `Connected` of an active or going-away connection in place; `nil` otherwise.
    private mutating func withConnected<Result>(_ body: (inout Connected) -> Result) -> Result? {
        switch self.state {
        case .active(var connected):
            self.state = .modifying
            defer { self.state = .active(connected) }
            return body(&connected)
        case .goingAway(var connected, let last):
            self.state = .modifying
            defer { self.state = .goingAway(connected, lastStreamID: last) }
            return body(&connected)
        case .idle, .awaitingSettings, .closed, .modifying:
            return nil
        }
    }
}

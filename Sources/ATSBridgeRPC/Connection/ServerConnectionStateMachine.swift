import ATSBridgeCore
package import ATSBridgeProto
package import NIOCore

/// The protocol state of one server connection (docs/protocol.md), without I/O or timers:
/// ``ServerConnectionHandler`` feeds it the peer's frames, its own streams' progress and timer
/// expiries, and performs the actions it returns.
///
/// `idle` → `awaitingPreface` → `awaitingSettings` → `active` → `draining` → `closed`; a
/// protocol violation, a timeout or the socket closing end it in `closed` from any state.
package struct ServerConnectionStateMachine {
    /// The protocol state of one open stream.
    package struct StreamState: Hashable, Sendable {
        /// Whether the call's request MESSAGE has arrived (the call is running).
        package var requestReceived = false
        /// The responses the client still lets the server send.
        package var credit: StreamCredit
        /// The largest request message the call accepts (small for methods needing no key).
        package var maxRequestSize = Int.max
    }

    /// What a connection with a completed handshake knows.
    package struct Connected {
        package var streams = StreamTable<StreamState>()
        package var peer = PeerSettings.clientDefaults
    }

    /// The phases, each with its own data.
    package enum State {
        /// Not started: nothing sent.
        case idle
        /// The server's preface and SETTINGS are out; waiting for the client's preface.
        case awaitingPreface
        /// Waiting for the client's SETTINGS.
        case awaitingSettings
        /// Calls are served.
        case active(Connected)
        /// GOAWAY sent: no new calls; closes when the last running call ends.
        case draining(Connected)
        /// Closed, or closing.
        case closed
        /// Transient, while a `Connected` is changed in place (avoids copying its tables).
        case modifying
    }

    /// A call that passed the connection's checks; the handler creates its stream.
    package struct OpenedCall {
        package var streamID: UInt32
        package var open: CallOpen
        package var method: RegisteredMethod
        /// The responses the client lets the call send before granting more.
        package var initialCredit: Int
        /// The largest response message the client accepts.
        package var maxResponseSize: Int
    }

    /// What happens after a stream closed.
    package enum AfterStreamClosed: Hashable, Sendable {
        /// Nothing.
        case none
        /// No call is left: (re)start the idle timer.
        case armIdleTimer
        /// The connection was draining and its last call ended: close it.
        case closeConnection
    }

    /// What the handler must do.
    package enum Action {
        /// Nothing.
        case none
        /// The handshake is complete: stop the handshake timer, start the idle timer.
        case handshakeComplete
        /// Send `goAway` (if any), then close the socket.
        case closeConnection(goAway: GoAway?)
        /// Send `goAway`; the connection stays open while calls run.
        case sendGoAway(GoAway)
        /// Answer a CALL_OPEN that opened no stream with STATUS.
        case refuseCall(streamID: UInt32, Status)
        /// Create the call's stream and deadline; stop the idle timer.
        case openCall(OpenedCall)
        /// Hand the request to the call's task.
        case runCall(streamID: UInt32, request: ByteBuffer)
        /// End a stream with `status` in a frame of `frameType` (STATUS or CANCEL); with
        /// `cancelHandler`, also stop its handler. `then` applies when the stream is gone.
        case resetStream(streamID: UInt32, frameType: FrameType, Status, cancelHandler: Bool, then: AfterStreamClosed)
        /// Add credit to a stream's writer.
        case grantCredit(streamID: UInt32, Int)
        /// The client cancelled the call: stop its handler, send nothing more.
        case cancelCall(streamID: UInt32, then: AfterStreamClosed)
        /// Answer a PING with these bytes.
        case pong(ByteBuffer)
        /// An abuse limit was hit (count it), then do the action.
        indirect case limitHit(RPCLimit, Action)
    }

    package private(set) var state = State.idle
    private let limits: ConnectionLimits
    private let methods: [String: RegisteredMethod]

    /// A machine for a connection with these limits, serving these methods.
    package init(limits: ConnectionLimits, methods: [String: RegisteredMethod]) {
        self.limits = limits
        self.methods = methods
    }

    /// The settings the server announces.
    package var localSettings: Settings {
        Settings(
            maxFrameSize: UInt32(clamping: self.limits.maxFrameSize),
            maxConcurrentStreams: UInt32(clamping: self.limits.maxConcurrentStreams),
            initialCredit: 1,
            maxMessageSize: UInt32(clamping: self.limits.maxMessageSize)
        )
    }

    /// The highest stream id the client opened (GOAWAY's `last_stream_id`).
    package var lastStreamID: UInt32 {
        switch self.state {
        case .active(let connected), .draining(let connected): connected.streams.highestID
        default: 0
        }
    }

    /// The number of open streams.
    package var openStreams: Int {
        switch self.state {
        case .active(let connected), .draining(let connected): connected.streams.count
        default: 0
        }
    }

    // MARK: Connection events

    /// The socket is open.
    ///
    /// - Returns: The settings to send after the preface (then start the handshake timer), or
    ///   `nil` when the connection has already started or ended.
    package mutating func start() -> Settings? {
        guard case .idle = self.state else { return nil }
        self.state = .awaitingPreface
        return self.localSettings
    }

    /// The client's preface arrived.
    package mutating func receivedPreface() {
        if case .awaitingPreface = self.state { self.state = .awaitingSettings }
    }

    /// The handshake timer fired.
    package mutating func handshakeTimedOut() -> Action {
        switch self.state {
        case .idle, .awaitingPreface, .awaitingSettings:
            self.state = .closed
            return .closeConnection(
                goAway: GoAway(lastStreamID: 0, code: .deadlineExceeded, message: "the handshake timed out")
            )
        case .active, .draining, .closed, .modifying:
            return .none
        }
    }

    /// The idle timer fired.
    package mutating func idleTimedOut() -> Action {
        guard case .active(let connected) = self.state, connected.streams.isEmpty else { return .none }
        self.state = .closed
        return .closeConnection(goAway: GoAway(lastStreamID: connected.streams.highestID, code: .ok, message: "idle"))
    }

    /// The server begins a graceful shutdown.
    package mutating func beginGracefulShutdown() -> Action {
        switch self.state {
        case .idle, .awaitingPreface, .awaitingSettings:
            self.state = .closed
            return .closeConnection(goAway: nil)
        case .active(let connected):
            let goAway = GoAway(
                lastStreamID: connected.streams.highestID,
                code: .unavailable,
                message: "the server is shutting down"
            )
            if connected.streams.isEmpty {
                self.state = .closed
                return .closeConnection(goAway: goAway)
            }
            self.state = .draining(connected)
            return .sendGoAway(goAway)
        case .draining, .closed, .modifying:
            return .none
        }
    }

    /// The connection broke the protocol (a decoder error, or found here).
    package mutating func violated(_ violation: ProtocolViolation) -> Action {
        switch self.state {
        case .closed, .modifying:
            return .none
        default:
            let last = self.lastStreamID
            self.state = .closed
            return .closeConnection(
                goAway: violation.silent
                    ? nil : GoAway(lastStreamID: last, code: violation.code, message: violation.message)
            )
        }
    }

    /// The socket closed.
    package mutating func closed() {
        self.state = .closed
    }

    // MARK: Frames

    /// A MESSAGE arrived whose length exceeds the message limit; its bytes were skipped.
    package mutating func receivedOversizedMessage(streamID: UInt32, length: Int) -> Action {
        let status = ATSBridgeError(.resourceExhausted, "message of \(length) bytes exceeds the limit").status
        return self.refusedMessage(streamID: streamID, status)
    }

    /// A MESSAGE arrived that the server's request memory cannot hold now; its bytes were
    /// skipped.
    package mutating func receivedRefusedMessage(streamID: UInt32, length: Int) -> Action {
        let status = ATSBridgeError(
            .resourceExhausted,
            "the server holds as many request bytes as it may; retry the call later"
        ).status
        return .limitHit(.requestMemory, self.refusedMessage(streamID: streamID, status))
    }

    private mutating func refusedMessage(streamID: UInt32, _ status: Status) -> Action {
        if case .awaitingSettings = self.state {
            return self.violated(ProtocolViolation(.invalidArgument, "expected SETTINGS, got MESSAGE"))
        }
        return self.withConnected { connected in
            switch connected.streams.lookup(streamID) {
            case .open:
                // A stream error ends the call: a handler already running (this is a second
                // MESSAGE) is cancelled, or it would run on unseen, past shutdown's grace.
                return .reset(Self.reset(&connected, streamID, .status, status, cancelHandler: true))
            case .closed:
                return .action(.none)
            case .neverOpened:
                return .violation(ProtocolViolation(.invalidArgument, "MESSAGE on stream \(streamID), never opened"))
            }
        }
    }

    /// A frame arrived.
    package mutating func receivedFrame(_ frame: Frame) -> Action {
        switch self.state {
        case .awaitingSettings:
            guard frame.type == .settings else {
                return self.violated(ProtocolViolation(.invalidArgument, "expected SETTINGS, got \(frame.type)"))
            }
            return self.receivedSettings(frame)
        case .active, .draining:
            break
        case .idle, .awaitingPreface, .closed, .modifying:
            return .none
        }
        switch frame.type {
        case .settings:
            return self.receivedSettings(frame)
        case .callOpen:
            return self.receivedCallOpen(frame)
        case .message:
            return self.receivedMessage(frame)
        case .credit:
            return self.receivedCredit(frame)
        case .cancel:
            return self.receivedCancel(frame)
        case .ping:
            if frame.flags.contains(.ack) { return .none }
            guard frame.streamID == 0, frame.payload.readableBytes == 8 else {
                return .limitHit(
                    .pingPayload,
                    self.violated(ProtocolViolation(.invalidArgument, "PING needs 8 bytes on stream 0"))
                )
            }
            return .pong(frame.payload)
        case .goAway:
            // The client opens no more calls; running calls finish normally.
            return .none
        case .status:
            return self.violated(ProtocolViolation(.invalidArgument, "clients do not send STATUS"))
        default:
            return self.receivedUnknownFrame(frame)
        }
    }

    private mutating func receivedSettings(_ frame: Frame) -> Action {
        guard frame.streamID == 0 else {
            return self.violated(ProtocolViolation(.invalidArgument, "SETTINGS on a stream"))
        }
        guard let settings = try? Settings(decoding: Array(frame.payload.readableBytesView)) else {
            return self.violated(ProtocolViolation(.invalidArgument, "undecodable SETTINGS"))
        }
        // A stream's credit never exceeds 2^31−1 (§2.8), from the start either.
        if let credit = settings.initialCredit, credit > UInt32(Int32.max) {
            return self.violated(ProtocolViolation(.invalidArgument, "initial_credit \(credit) is over 2^31−1"))
        }
        switch self.state {
        case .awaitingSettings:
            var connected = Connected()
            connected.peer.apply(settings)
            self.state = .active(connected)
            return .handshakeComplete
        default:
            // New values apply to streams opened afterwards (§2.3).
            return self.withConnected { connected in
                connected.peer.apply(settings)
                return .action(.none)
            }
        }
    }

    private mutating func receivedCallOpen(_ frame: Frame) -> Action {
        let id = frame.streamID
        let maxStreams = self.limits.maxConcurrentStreams
        let unauthenticatedLimit = self.limits.maxUnauthenticatedMessageSize
        let methods = self.methods
        let draining: Bool
        if case .draining = self.state { draining = true } else { draining = false }
        return self.withConnected { connected in
            let highest = connected.streams.highestID
            guard connected.streams.claim(id) else {
                return .violation(
                    ProtocolViolation(.invalidArgument, "CALL_OPEN on stream \(id), not above \(highest)")
                )
            }
            guard !draining else {
                return .action(
                    .refuseCall(streamID: id, ATSBridgeError(.unavailable, "the server is shutting down").status)
                )
            }
            guard connected.streams.count < maxStreams else {
                return .action(
                    .limitHit(
                        .concurrentStreams,
                        .refuseCall(
                            streamID: id,
                            ATSBridgeError(.resourceExhausted, "more than \(maxStreams) concurrent calls").status
                        )
                    )
                )
            }
            guard let open = try? CallOpen(decoding: Array(frame.payload.readableBytesView)) else {
                return .action(.refuseCall(streamID: id, ATSBridgeError(.inputInvalid, "undecodable CALL_OPEN").status))
            }
            guard let method = methods[open.method] else {
                return .action(
                    .refuseCall(streamID: id, ATSBridgeError(.unimplemented, "unknown method \(open.method)").status)
                )
            }
            guard method.access.level == .none || !(open.apiKey ?? "").isEmpty else {
                // Refused before its request is read: a caller without a key cannot make the
                // server buffer a large message.
                return .action(
                    .refuseCall(streamID: id, ATSBridgeError(.authenticationInvalid, "missing API key").status)
                )
            }
            var stream = StreamState(credit: StreamCredit(initial: connected.peer.initialCredit))
            if method.access.level == .none { stream.maxRequestSize = unauthenticatedLimit }
            connected.streams.open(id, stream)
            return .action(
                .openCall(
                    OpenedCall(
                        streamID: id,
                        open: open,
                        method: method,
                        initialCredit: connected.peer.initialCredit,
                        maxResponseSize: connected.peer.maxOutboundMessageSize
                    )
                )
            )
        }
    }

    private mutating func receivedMessage(_ frame: Frame) -> Action {
        let id = frame.streamID
        return self.withConnected { connected in
            if let limit = connected.streams[id]?.maxRequestSize, frame.payload.readableBytes > limit,
                connected.streams[id]?.requestReceived == false
            {
                let status = ATSBridgeError(
                    .resourceExhausted,
                    "a request of a method that needs no key is limited to \(limit) bytes"
                ).status
                return .reset(
                    .limitHit(
                        .unauthenticatedMessageSize,
                        Self.reset(&connected, id, .status, status, cancelHandler: false)
                    )
                )
            }
            let alreadyReceived = connected.streams.update(id) { stream -> Bool in
                defer { stream.requestReceived = true }
                return stream.requestReceived
            }
            switch alreadyReceived {
            case nil:
                return Self.notOpen(frame, connected.streams)
            case true?:
                let status = ATSBridgeError(
                    .cardinalityViolation,
                    "the call received more than one request message"
                ).status
                return .reset(Self.reset(&connected, id, .status, status, cancelHandler: true))
            case false?:
                return .action(.runCall(streamID: id, request: frame.payload))
            }
        }
    }

    private mutating func receivedCredit(_ frame: Frame) -> Action {
        let id = frame.streamID
        return self.withConnected { connected in
            guard connected.streams.lookup(id) == .open else { return Self.notOpen(frame, connected.streams) }
            guard let count = StreamCredit.count(of: frame.payload),
                connected.streams.update(id, { $0.credit.grant(count) }) == true
            else {
                return .violation(ProtocolViolation(.invalidArgument, "invalid CREDIT on stream \(id)"))
            }
            return .action(.grantCredit(streamID: id, Int(count)))
        }
    }

    private mutating func receivedCancel(_ frame: Frame) -> Action {
        self.withConnected { connected in
            guard connected.streams.close(frame.streamID) != nil else { return Self.notOpen(frame, connected.streams) }
            return .reset(.cancelCall(streamID: frame.streamID, then: .none))
        }
    }

    private mutating func receivedUnknownFrame(_ frame: Frame) -> Action {
        // Ignored on the connection and on closed streams, a stream reset on an open one (§2.7).
        self.withConnected { connected in
            guard frame.streamID != 0, connected.streams.lookup(frame.streamID) == .open else { return .action(.none) }
            let status = ATSBridgeError(.inputInvalid, "unknown frame type \(frame.type.rawValue)").status
            return .reset(Self.reset(&connected, frame.streamID, .cancel, status, cancelHandler: true))
        }
    }

    // MARK: Streams

    /// The request timer of an opened call fired: a call still waiting for its request message
    /// ends with DEADLINE_EXCEEDED.
    package mutating func requestTimedOut(_ streamID: UInt32) -> Action {
        self.withConnected { connected in
            guard connected.streams[streamID]?.requestReceived == false else { return .action(.none) }
            let status = ATSBridgeError(.deadlineExceeded, "the call's request message did not arrive in time").status
            return .reset(
                .limitHit(.requestTimeout, Self.reset(&connected, streamID, .status, status, cancelHandler: true))
            )
        }
    }

    /// The stream wrote `count` MESSAGE frames.
    package mutating func sentMessages(_ count: Int, streamID: UInt32) {
        guard count > 0 else { return }
        _ = self.withConnected { connected in
            _ = connected.streams.update(streamID) { stream in
                for _ in 0..<count { _ = stream.credit.consume() }
            }
            return .action(.none)
        }
    }

    /// The stream wrote its last frame, or closed without one.
    package mutating func streamFinished(_ streamID: UInt32) -> AfterStreamClosed {
        self.changingConnected { connected in
            connected.streams.close(streamID) != nil ? .streamClosed : .action(.none)
        }.after
    }

    // MARK: Helpers

    /// What a change of a `Connected` leads to.
    private enum Outcome {
        case action(Action)
        /// An action that may have closed a stream; its `then` is filled in.
        case reset(Action)
        /// A stream closed.
        case streamClosed
        case violation(ProtocolViolation)
    }

    /// Changes the `Connected` of an active or draining connection in place.
    private mutating func withConnected(_ body: (inout Connected) -> Outcome) -> Action {
        self.changingConnected(body).action
    }

    /// Like ``withConnected(_:)``, also telling what follows a stream's closing.
    private mutating func changingConnected(
        _ body: (inout Connected) -> Outcome
    ) -> (action: Action, after: AfterStreamClosed) {
        let draining: Bool
        var connected: Connected
        switch self.state {
        case .active(let value):
            draining = false
            connected = value
        case .draining(let value):
            draining = true
            connected = value
        default:
            return (.none, .none)
        }
        self.state = .modifying
        let outcome = body(&connected)
        var after = AfterStreamClosed.none
        if connected.streams.isEmpty {
            after = draining ? .closeConnection : .armIdleTimer
        }
        switch outcome {
        case .action(let action):
            self.state = draining ? .draining(connected) : .active(connected)
            return (action, .none)
        case .violation(let violation):
            self.state = draining ? .draining(connected) : .active(connected)
            return (self.violated(violation), .none)
        case .reset(let action):
            self.state = after == .closeConnection ? .closed : (draining ? .draining(connected) : .active(connected))
            return (Self.filling(action, after), after)
        case .streamClosed:
            self.state = after == .closeConnection ? .closed : (draining ? .draining(connected) : .active(connected))
            return (.none, after)
        }
    }

    private static func filling(_ action: Action, _ after: AfterStreamClosed) -> Action {
        switch action {
        case .limitHit(let limit, let inner):
            return .limitHit(limit, Self.filling(inner, after))
        case .resetStream(let id, let type, let status, let cancelHandler, .none):
            return .resetStream(streamID: id, frameType: type, status, cancelHandler: cancelHandler, then: after)
        case .cancelCall(let id, .none):
            return .cancelCall(streamID: id, then: after)
        default:
            return action
        }
    }

    /// Resets an open stream: one whose call has not started is forgotten at once (no task
    /// owns it); a running one closes when its task finishes.
    private static func reset(
        _ connected: inout Connected,
        _ id: UInt32,
        _ frameType: FrameType,
        _ status: Status,
        cancelHandler: Bool
    ) -> Action {
        let running = connected.streams[id]?.requestReceived ?? false
        if !running { connected.streams.close(id) }
        return .resetStream(
            streamID: id,
            frameType: frameType,
            status,
            cancelHandler: cancelHandler || !running,
            then: .none
        )
    }

    /// A frame for a stream that is not open: ignored if the stream existed (it may have
    /// crossed a CANCEL or STATUS), a connection error if it never did.
    private static func notOpen(_ frame: Frame, _ streams: StreamTable<StreamState>) -> Outcome {
        guard streams.lookup(frame.streamID) == .neverOpened else { return .action(.none) }
        return .violation(
            ProtocolViolation(.invalidArgument, "\(frame.type) on stream \(frame.streamID), never opened")
        )
    }
}

extension ServerConnectionStateMachine.Action {
    /// The action without its ``limitHit(_:_:)`` wrapper.
    package var withoutLimit: Self {
        if case .limitHit(_, let inner) = self { return inner.withoutLimit }
        return self
    }
}

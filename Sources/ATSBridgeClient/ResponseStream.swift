import ATSBridgeCore
public import ATSBridgeProto
import ATSBridgeRPC
import NIOCore
import Synchronization

/// The responses of a server-streaming call, as an `AsyncSequence`.
///
/// Iterating starts the call. Credit is topped up as the consumer takes messages, so the server
/// never runs ahead of the consumer by more than the configured credit. Messages that have
/// arrived are decoded ahead on other cores, in order (``readingAhead(_:)``). Breaking out of the
/// loop, dropping the iterator or cancelling the task cancels the call on the server.
public struct ResponseStream<Response: ProtoMessage>: AsyncSequence, Sendable {
    /// One response message.
    public typealias Element = Response

    let client: RPCClient
    let method: String
    let request: @Sendable () throws -> [UInt8]
    let options: CallOptions
    /// Messages decoded ahead of the consumer at most; `nil` for the default.
    var readAhead: Int?

    /// One message decoded ahead on two cores, two on more, none on one core.
    static var defaultReadAhead: Int { Swift.max(0, Swift.min(2, System.coreCount - 1)) }

    /// The same stream, decoding at most `count` messages ahead of its consumer on other cores
    /// (0: each message is decoded when it is taken, on the consumer's task).
    ///
    /// By default one message is decoded ahead on two cores (two decode at once while the
    /// consumer waits or works), two on more cores, none on one core. Messages stay in order
    /// either way, and the server still runs at most the stream's credit ahead of the consumer.
    public func readingAhead(_ count: Int) -> ResponseStream {
        var copy = self
        copy.readAhead = Swift.max(0, count)
        return copy
    }

    /// Creates the iterator; the call opens on the first `next()`.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(state: IteratorState(stream: self))
    }

    /// Iterates the responses.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let state: IteratorState

        /// The next response, or `nil` after the server's STATUS OK.
        ///
        /// - Throws: ``ATSBridgeError`` with the server's status when the call fails.
        public mutating func next() async throws -> Response? {
            try await self.state.next()
        }

        /// Messages taken from the call and decoding (or decoded) ahead of the consumer.
        package var messagesAhead: Int { self.state.messagesAhead }
    }

    /// The call behind an iterator; cancels the call when the consumer drops it unfinished.
    ///
    /// Messages that have already arrived are decoded ahead of the consumer on other cores
    /// (see ``ResponseStream/readingAhead(_:)``), while it handles the previous one; they are
    /// handed out in order, and an error is thrown where it happened in the stream.
    final class IteratorState: @unchecked Sendable {
        // Used by one consumer at a time, as AsyncIteratorProtocol requires.
        private let stream: ResponseStream
        private let readAhead: Int
        private var call: RPCClient.OpenCall?
        private var ahead: [Ahead] = []
        private var finished = false
        private var consumedSinceGrant = 0

        /// What was taken from the call ahead of the consumer.
        private enum Ahead {
            /// A message being decoded on another core.
            case decoding(Task<Response, any Error>)
            /// An event handled when the consumer gets to it; `nil` when the call ended
            /// without a status.
            case event(ClientStreamEvent?)
            case failure(any Error)
        }

        init(stream: ResponseStream) {
            self.stream = stream
            self.readAhead = stream.readAhead ?? ResponseStream.defaultReadAhead
        }

        deinit {
            for case .decoding(let task) in self.ahead { task.cancel() }
            if !self.finished, let call = self.call { call.cancel() }
        }

        var messagesAhead: Int {
            self.ahead.count { if case .decoding = $0 { true } else { false } }
        }

        func next() async throws -> Response? {
            guard !self.finished else { return nil }
            do {
                // Messages may keep arriving faster than they are taken: stop at once.
                guard !Task.isCancelled else { throw ATSBridgeError(.cancelled, "the call was cancelled") }
                let head: Ahead
                if let call = self.call {
                    head = self.ahead.isEmpty ? .event(try await call.events.next()) : self.ahead.removeFirst()
                } else {
                    let (call, first) = try await self.stream.client.start(
                        self.stream.method,
                        encodedRequest: try self.stream.request(),
                        options: self.stream.options,
                        isUnary: false
                    )
                    self.call = call
                    head = .event(first)
                }
                self.decodeAhead()
                switch head {
                case .decoding(let task):
                    self.topUpCredit()
                    return try await task.value
                case .event(.message(let buffer)?):
                    self.topUpCredit()
                    return try self.decode(buffer)
                case .event(.status(let status)?), .event(.unaryResult(_, let status)?):
                    self.finish(cancelCall: false)
                    guard status.code == .ok else { throw ATSBridgeError(status: status) }
                    return nil
                case .event(nil):
                    throw Task.isCancelled
                        ? ATSBridgeError(.cancelled, "the call was cancelled")
                        : ATSBridgeError(.unavailable, "the call ended without a status")
                case .failure(let error):
                    throw error
                }
            } catch {
                self.finish(cancelCall: true)
                throw error
            }
        }

        /// Starts decoding the messages that have already arrived, up to ``readAhead`` of them,
        /// and notes the call's end if it is there.
        private func decodeAhead() {
            guard let call = self.call else { return }
            while self.ahead.count < self.readAhead, !self.aheadReachesTheEnd {
                switch call.events.poll() {
                case .empty:
                    return
                case .event(.message(let buffer)):
                    let limits = self.stream.client.configuration.connection
                    self.ahead.append(.decoding(Task { try RPCClient.decode(Response.self, buffer, limits: limits) }))
                case .event(let event):
                    self.ahead.append(.event(event))
                case .finished:
                    self.ahead.append(.event(nil))
                case .failed(let error):
                    self.ahead.append(.failure(error))
                }
            }
        }

        /// Whether the call's end (its status, or how it failed) is already in ``ahead``.
        private var aheadReachesTheEnd: Bool {
            guard let last = self.ahead.last else { return false }
            if case .decoding = last { return false }
            return true
        }

        private func decode(_ buffer: ByteBuffer) throws -> Response {
            try RPCClient.decode(Response.self, buffer, limits: self.stream.client.configuration.connection)
        }

        /// Grants the server more messages as the consumer takes them (not as they are decoded
        /// ahead), so the server runs at most the credit ahead of the consumer.
        private func topUpCredit() {
            self.consumedSinceGrant += 1
            let initial = self.stream.client.configuration.connection.initialCredit
            if self.consumedSinceGrant >= Swift.max(1, initial / 2), let call = self.call {
                call.grant(self.consumedSinceGrant)
                self.consumedSinceGrant = 0
            }
        }

        private func finish(cancelCall: Bool) {
            guard !self.finished else { return }
            self.finished = true
            for case .decoding(let task) in self.ahead { task.cancel() }
            self.ahead.removeAll()
            if cancelCall, let call = self.call { call.cancel() }
        }
    }
}

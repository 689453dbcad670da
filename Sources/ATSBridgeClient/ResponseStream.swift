import ATSBridgeCore
public import ATSBridgeProto
import ATSBridgeRPC
import NIOCore
import Synchronization

/// The responses of a server-streaming call, as an `AsyncSequence`.
///
/// Iterating starts the call. Credit is topped up as the consumer takes messages, so the server
/// never runs ahead of the consumer by more than the configured credit. Breaking out of the
/// loop, dropping the iterator or cancelling the task cancels the call on the server.
public struct ResponseStream<Response: ProtoMessage>: AsyncSequence, Sendable {
    /// One response message.
    public typealias Element = Response

    let client: RPCClient
    let method: String
    let request: @Sendable () throws -> [UInt8]
    let options: CallOptions

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
    }

    /// What the decoding task hands the consumer.
    enum Decoded: Sendable {
        case message(Response)
        case status(Status)
    }

    /// The call behind an iterator; cancels the call when the consumer drops it unfinished.
    ///
    /// Messages are decoded by a task of their own as they arrive, so the next page is decoded
    /// on another core while the consumer works on this one (order kept). Credit is still
    /// granted only as the consumer takes messages, so the decoded ones waiting never exceed the
    /// credit window: memory stays bounded by the same window as before.
    final class IteratorState: @unchecked Sendable {
        // Used by one consumer at a time, as AsyncIteratorProtocol requires.
        private let stream: ResponseStream
        private var call: RPCClient.OpenCall?
        private var decoded: AsyncThrowingStream<Decoded, any Error>.AsyncIterator?
        /// The decoding task, owned here: cancelled when the consumer finishes or drops us.
        private var decoder: Task<Void, Never>?
        private var finished = false
        private var consumedSinceGrant = 0

        init(stream: ResponseStream) {
            self.stream = stream
        }

        deinit {
            self.decoder?.cancel()
            if !self.finished, let call = self.call { call.connection.cancel(call.streamID) }
        }

        func next() async throws -> Response? {
            guard !self.finished else { return nil }
            if self.call == nil {
                let call = try await self.stream.client.open(
                    self.stream.method,
                    encodedRequest: try self.stream.request(),
                    options: self.stream.options,
                    isUnary: false
                )
                self.call = call
                self.startDecoding(call)
            }
            do {
                guard let event = try await self.decoded!.next() else {
                    self.finish(cancelCall: true)
                    throw Task.isCancelled
                        ? ATSBridgeError(.cancelled, "the call was cancelled")
                        : ATSBridgeError(.unavailable, "the call ended without a status")
                }
                switch event {
                case .message(let response):
                    self.topUpCredit()
                    return response
                case .status(let status):
                    self.finish(cancelCall: false)
                    guard status.code == .ok else { throw ATSBridgeError(status: status) }
                    return nil
                }
            } catch {
                self.finish(cancelCall: true)
                throw error
            }
        }

        private func startDecoding(_ call: RPCClient.OpenCall) {
            let (decoded, continuation) = AsyncThrowingStream<Decoded, any Error>.makeStream()
            let limits = self.stream.client.configuration.connection
            self.decoded = decoded.makeAsyncIterator()
            self.decoder = Task {
                do {
                    for try await event in call.events {
                        switch event {
                        case .message(let buffer):
                            continuation.yield(.message(try RPCClient.decode(Response.self, buffer, limits: limits)))
                        case .status(let status), .unaryResult(_, let status):
                            continuation.yield(.status(status))
                            continuation.finish()
                            return
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
        }

        private func topUpCredit() {
            self.consumedSinceGrant += 1
            let initial = self.stream.client.configuration.connection.initialCredit
            if self.consumedSinceGrant >= Swift.max(1, initial / 2), let call = self.call {
                call.connection.grant(call.streamID, self.consumedSinceGrant)
                self.consumedSinceGrant = 0
            }
        }

        private func finish(cancelCall: Bool) {
            guard !self.finished else { return }
            self.finished = true
            self.decoder?.cancel()
            if cancelCall, let call = self.call { call.connection.cancel(call.streamID) }
        }
    }
}

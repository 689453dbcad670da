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

    /// The call behind an iterator; cancels the call when the consumer drops it unfinished.
    final class IteratorState: @unchecked Sendable {
        // Used by one consumer at a time, as AsyncIteratorProtocol requires.
        private let stream: ResponseStream
        private var call: RPCClient.OpenCall?
        private var events: AsyncThrowingStream<ClientStreamEvent, any Error>.AsyncIterator?
        private var finished = false
        private var consumedSinceGrant = 0

        init(stream: ResponseStream) {
            self.stream = stream
        }

        deinit {
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
                self.events = call.events.makeAsyncIterator()
            }
            do {
                guard let event = try await self.events!.next() else {
                    self.finish(cancelCall: true)
                    throw Task.isCancelled
                        ? ATSBridgeError(.cancelled, "the call was cancelled")
                        : ATSBridgeError(.unavailable, "the call ended without a status")
                }
                switch event {
                case .message(let buffer):
                    self.topUpCredit()
                    return try RPCClient.decode(
                        Response.self,
                        buffer,
                        limits: self.stream.client.configuration.connection
                    )
                case .status(let status), .unaryResult(_, let status):
                    self.finish(cancelCall: false)
                    guard status.code == .ok else { throw ATSBridgeError(status: status) }
                    return nil
                }
            } catch {
                self.finish(cancelCall: true)
                throw error
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
            if cancelCall, let call = self.call { call.connection.cancel(call.streamID) }
        }
    }
}

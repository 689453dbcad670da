import NIOCore
import Synchronization

/// The events of one client call, handed from the connection's event loop to the caller.
///
/// The caller can wait for the next event or take one without waiting (``poll()``), which lets
/// a stream start decoding messages that have already arrived while its consumer is busy. The
/// queue holds at most what the server was granted credit for, so it needs no bound of its own.
/// The caller creates it before the call opens; the event loop records the stream id in it.
package final class ClientEventQueue: AsyncSequence, Sendable {
    package typealias Element = ClientStreamEvent

    /// What ``poll()`` found.
    package enum Poll: Sendable {
        /// The next event.
        case event(ClientStreamEvent)
        /// Nothing yet; the call goes on.
        case empty
        /// The call ended normally: no more events.
        case finished
        /// The call failed; reported once, then ``finished``.
        case failed(any Error)
    }

    private struct State {
        var events = CircularBuffer<ClientStreamEvent>()
        /// Set when the event loop ends the call; the buffered events are still delivered.
        var failure: (any Error)?
        var ended = false
        /// Set when the caller's task was cancelled while waiting: nothing more is delivered.
        var abandoned = false
        var waiter: CheckedContinuation<Poll, Never>?
        var streamID: UInt32?
    }

    private let state = Mutex(State())

    /// Creates an empty queue.
    package init() {}

    /// The call's stream id once the event loop has opened it.
    package var streamID: UInt32? { self.state.withLock { $0.streamID } }

    /// Whether the caller stopped listening (its task was cancelled while waiting).
    package var isAbandoned: Bool { self.state.withLock { $0.abandoned } }

    /// Records the id the connection gave the call. Called on the event loop.
    package func opened(as streamID: UInt32) {
        self.state.withLock { $0.streamID = streamID }
    }

    /// Stops delivering: the caller gave up on the call (it is cancelled on the server by the
    /// event loop). A waiting caller gets `nil`.
    package func abandon() {
        let waiter = self.state.withLock { state -> CheckedContinuation<Poll, Never>? in
            state.abandoned = true
            state.events.removeAll()
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: .finished)
    }

    /// Adds an event. Called on the event loop.
    package func yield(_ event: ClientStreamEvent) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Poll, Never>? in
            guard !state.ended, !state.abandoned else { return nil }
            guard let waiter = state.waiter else {
                state.events.append(event)
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: .event(event))
    }

    /// Ends the call, with `error` when it failed. Called on the event loop.
    package func finish(throwing error: (any Error)? = nil) {
        let woken = self.state.withLock { state -> (CheckedContinuation<Poll, Never>, Poll)? in
            guard !state.ended else { return nil }
            state.ended = true
            state.failure = error
            // A waiter means nothing is buffered: it gets the end at once.
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, Self.take(&state))
        }
        if let (waiter, end) = woken { waiter.resume(returning: end) }
    }

    /// The next event if one is there, without waiting.
    package func poll() -> Poll {
        self.state.withLock { Self.take(&$0) }
    }

    /// The next event, waiting for it; `nil` when the call has ended or the task was cancelled.
    ///
    /// - Throws: the error the call failed with, once.
    package func next() async throws -> ClientStreamEvent? {
        var polled = self.poll()
        if case .empty = polled {
            polled = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Poll, Never>) in
                    let ready = self.state.withLock { state -> Poll? in
                        let polled = Self.take(&state)
                        guard case .empty = polled else { return polled }
                        state.waiter = continuation
                        return nil
                    }
                    if let ready { continuation.resume(returning: ready) }
                }
            } onCancel: {
                self.abandon()
            }
        }
        switch polled {
        case .event(let event): return event
        case .empty, .finished: return nil
        case .failed(let error): throw error
        }
    }

    /// Iterates the events.
    package struct AsyncIterator: AsyncIteratorProtocol {
        let queue: ClientEventQueue

        /// The next event, or `nil` at the end.
        package mutating func next() async throws -> ClientStreamEvent? {
            try await self.queue.next()
        }
    }

    /// An iterator over the events.
    package func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(queue: self)
    }

    private static func take(_ state: inout State) -> Poll {
        if state.abandoned { return .finished }
        if let event = state.events.popFirst() { return .event(event) }
        guard state.ended else { return .empty }
        guard let failure = state.failure else { return .finished }
        state.failure = nil
        return .failed(failure)
    }
}

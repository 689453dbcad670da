import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeTestSupport
import NIOPosix
import Synchronization
import Testing

/// Unary calls on the connection's event loop (`runsCallsOnEventLoops`): a waiting handler never
/// holds up the connection's other calls, and streams still run off the loop.
@Suite struct EventLoopCallTests {
    static let wait = MethodDescriptor<PingRequest, PingResponse>(service: "test.Loop", method: "Wait", kind: .unary)
    static let release = MethodDescriptor<PingRequest, PingResponse>(
        service: "test.Loop",
        method: "Release",
        kind: .unary
    )
    static let where_ = MethodDescriptor<PingRequest, PingResponse>(
        service: "test.Loop",
        method: "Where",
        kind: .serverStreaming
    )

    /// Whether the current thread is one of NIO's event loops.
    static var onEventLoop: Bool { MultiThreadedEventLoopGroup.currentEventLoop != nil }

    /// The event loop of the current thread, if it is one.
    static var currentLoop: ObjectIdentifier? {
        MultiThreadedEventLoopGroup.currentEventLoop.map(ObjectIdentifier.init)
    }

    static func router(gate: AsyncGate) -> RPCRouter {
        var router = RPCRouter()
        router.unary(Self.wait, access: .readIntegration) { request, _ in
            gate.record("unary", onEventLoop: Self.onEventLoop)
            await gate.wait()
            return PingResponse(payload: request.payload)
        }
        router.unary(Self.release, access: .readIntegration) { request, _ in
            gate.open()
            return PingResponse(payload: request.payload)
        }
        router.serverStreaming(Self.where_, access: .readIntegration) { _, writer, _ in
            gate.record("stream", onEventLoop: Self.onEventLoop)
            try await writer.write(PingResponse(payload: [1]))
        }
        return router
    }

    @Test(arguments: [true, false])
    func aWaitingUnaryHandlerDoesNotHoldUpTheConnectionsOtherCalls(onEventLoops: Bool) async throws {
        let gate = AsyncGate()
        try await withRunningServer(
            router: Self.router(gate: gate),
            configure: { $0.runsCallsOnEventLoops = onEventLoops }
        ) { port, _ in
            let client = testClient(port: port)
            // Both calls share the client's one connection; the first returns only after the
            // second has run.
            async let waited = client.unary(Self.wait, PingRequest(payload: [7]))
            try await eventually { gate.waiters > 0 }
            let released = try await client.unary(Self.release, PingRequest(payload: [8]))
            #expect(released.payload == [8])
            #expect(try await waited.payload == [7])
            for try await _ in client.serverStreaming(Self.where_, PingRequest()) {}
            #expect(gate.places == ["unary": onEventLoops, "stream": false])
            await client.close()
        }
    }

    /// A client's sequential caller on the connection's thread: its calls work, it resumes on
    /// that one event loop after each one, its child tasks run there too, its errors and result
    /// come back, and the caller's task leaves the thread with it.
    @Test func callsMadeOnTheClientConnectionsThreadWorkAndStayThere() async throws {
        let gate = AsyncGate()
        try await withRunningServer(router: Self.router(gate: gate)) { port, _ in
            let client = testClient(port: port)
            let payloads = try await client.withCallsOnConnectionThread {
                // One event loop throughout: the first place it ran on, compared by identity.
                let loop = Self.currentLoop
                var places: [ObjectIdentifier?] = [loop]
                var payloads: [[UInt8]] = []
                for index in 0..<20 {
                    let response = try await client.unary(Self.release, PingRequest(payload: [UInt8(index)]))
                    payloads.append(response.payload ?? [])
                    places.append(Self.currentLoop)
                }
                var streamed = 0
                for try await message in client.serverStreaming(Self.where_, PingRequest()) {
                    #expect(message.payload == [1])
                    streamed += 1
                }
                places.append(Self.currentLoop)
                async let child = Self.currentLoop
                #expect(streamed == 1)
                #expect(loop != nil)
                #expect(places.allSatisfy { $0 == loop })
                #expect(await child == loop)
                return payloads
            }
            #expect(payloads == (0..<20).map { [UInt8($0)] })
            #expect(!Self.onEventLoop)
            await #expect(throws: ATSBridgeError.self) {
                try await client.withCallsOnConnectionThread {
                    _ = try await client.unary(
                        MethodDescriptor<PingRequest, PingResponse>(
                            service: "test.Loop",
                            method: "Missing",
                            kind: .unary
                        ),
                        PingRequest()
                    )
                }
            }
            await client.close()
            await #expect(throws: ATSBridgeError.self) { try await client.withCallsOnConnectionThread {} }
        }
    }
}

/// Opens once; waiters before and after the opening all continue. Also notes where handlers ran.
final class AsyncGate: Sendable {
    private struct State {
        var open = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var places: [String: Bool] = [:]
    }

    private let state = Mutex(State())

    /// Whether each recorded handler ran on an event loop.
    var places: [String: Bool] { self.state.withLock { $0.places } }

    func record(_ handler: String, onEventLoop: Bool) {
        self.state.withLock { $0.places[handler] = onEventLoop }
    }

    /// How many callers are waiting.
    var waiters: Int { self.state.withLock { $0.waiting.count } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resume = self.state.withLock { state in
                if state.open { return true }
                state.waiting.append(continuation)
                return false
            }
            if resume { continuation.resume() }
        }
    }

    func open() {
        let waiting = self.state.withLock { state in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}

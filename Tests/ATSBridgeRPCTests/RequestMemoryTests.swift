import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeTestSupport
import NIOCore
import Testing

/// The request-memory budgets over real sockets: connections flooding maximal requests make the
/// server stop reading them (a connection's share) or refuse their messages unread (the server's
/// cap) rather than buffer, and other clients are still served.
@Suite struct RequestMemoryTests {
    let probe = Probe()
    var router: RPCRouter { TestMethods.router(probe: self.probe, store: InMemoryRecordStore()) }

    static let messageSize = 256 << 10
    static let serverBudget = 1 << 20

    /// Messages of at most ``messageSize``, the server's budget ``serverBudget`` and each
    /// connection's share `connectionShare`.
    static func limit(_ configuration: inout RPCServerConfiguration, connectionShare: Int) {
        configuration.connection.maxMessageSize = Self.messageSize
        configuration.connection.maxFrameSize = Self.messageSize + (64 << 10)
        configuration.connection.maxBufferedRequestBytes = connectionShare
        configuration.maxBufferedRequestBytes = Self.serverBudget
    }

    @Test func eightConnectionsFloodingMaximalRequestsStayWithinTheBudget() async throws {
        LimitMetrics.install()
        try await withTestServerObject(
            router: self.router,
            configure: { Self.limit(&$0, connectionShare: Self.messageSize) }
        ) { server, port in
            let refused = LimitMetrics.hits(.requestMemory)
            let paused = LimitMetrics.hits(.connectionRequestMemory)
            // A maximal request to Sleep (10 ms each), shared by every send.
            var payload = [UInt8](repeating: 7, count: Self.messageSize - 16)
            payload[0] = 1
            let message = try PingRequest(payload: payload).encode()
            #expect(message.count <= Self.messageSize)
            let connections = try await withThrowingTaskGroup(of: RawConnection.self) { group in
                for _ in 0..<8 { group.addTask { try await RawConnection.handshaken(port: port) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let calls = 100
            let senders = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for connection in connections {
                        group.addTask {
                            for index in 0..<calls {
                                let id = UInt32(2 * index + 1)
                                try await connection.send(
                                    try RawConnection.callOpen(id, method: TestMethods.sleep.fullName)
                                )
                                try await connection.send(
                                    ByteBuffer(
                                        bytes: RawConnection.frame(.message, flags: 1, streamID: id, payload: message)
                                    )
                                )
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // While the flood goes on, a normal client is served.
            try await eventually(timeout: .seconds(60), "the server's budget to refuse messages") {
                LimitMetrics.hits(.requestMemory) > refused
            }
            let client = testClient(port: port)
            let response = try await client.unary(TestMethods.echo, PingRequest(payload: [1]))
            #expect(response.payload == [1])
            await client.close()

            try await senders.value
            try await eventually(timeout: .seconds(120), "every call to be answered") {
                connections.allSatisfy { connection in
                    connection.frames().filter { $0.type == .status }.count == calls
                }
            }
            // Every call ends with OK, or RESOURCE_EXHAUSTED when the server could not hold it.
            var codes: [StatusCode: Int] = [:]
            for connection in connections {
                for frame in connection.frames() where frame.type == .status {
                    codes[try Status(decoding: Array(frame.payload.readableBytesView)).code, default: 0] += 1
                }
            }
            #expect(Set(codes.keys).isSubset(of: [.ok, .resourceExhausted]))
            #expect(codes[.ok, default: 0] > 0 && codes[.resourceExhausted, default: 0] > 0)
            // The budget is exact: reserved from the frame header, before the payload is read.
            #expect(server.bufferedRequestBytes.peak <= Self.serverBudget)
            #expect(LimitMetrics.hits(.connectionRequestMemory) > paused)
            try await eventually("every request's memory to be released") { server.bufferedRequestBytes.now == 0 }
            for connection in connections { await connection.close() }
        }
    }
    /// A stream gives its request bytes back once its handler decoded them: streams that never
    /// end (a change stream, or one whose client grants no credit) cannot hold the request
    /// memory and starve other calls of it.
    @Test func streamsThatNeverEndDoNotHoldTheRequestMemory() async throws {
        try await withTestServerObject(
            router: self.router,
            configure: { Self.limit(&$0, connectionShare: Self.serverBudget) }
        ) { server, port in
            let message = try PingRequest(payload: [UInt8](repeating: 7, count: Self.messageSize - 16)).encode()
            #expect(message.count <= Self.messageSize)
            // Eight maximal requests, twice the server's budget, to streams blocked on credit.
            let connection = try await RawConnection.handshaken(port: port, initialCredit: 0)
            // Four at a time, each four the whole budget: a second four read before the first
            // gave their bytes back would be refused, and that race is not what is tested.
            for half in 0..<2 {
                for index in 4 * half..<4 * half + 4 {
                    let id = UInt32(2 * index + 1)
                    try await connection.send(try RawConnection.callOpen(id, method: TestMethods.infinite.fullName))
                    try await connection.send(RawConnection.frame(.message, flags: 1, streamID: id, payload: message))
                }
                try await eventually("the streams to run") { self.probe.attemptedWrites == 4 * (half + 1) }
                try await eventually("their request bytes to be given back") { server.bufferedRequestBytes.now == 0 }
            }
            #expect(!connection.frames().contains { $0.type == .status })
            // Another client's maximal request is served meanwhile.
            let client = testClient(port: port)
            let payload = [UInt8](repeating: 9, count: Self.messageSize - 16)
            #expect(try await client.unary(TestMethods.echo, PingRequest(payload: payload)).payload == payload)
            await client.close()
            await connection.close()
            try await eventually("the streams to be cancelled by the disconnect") { self.probe.cancelled == 8 }
        }
    }
}

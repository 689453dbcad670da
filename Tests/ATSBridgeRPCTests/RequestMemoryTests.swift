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

    @Test func eightConnectionsFloodingMaximalRequestsStayWithinTheBudget() async throws {
        LimitMetrics.install()
        try await withTestServerObject(
            router: self.router,
            configure: {
                $0.connection.maxMessageSize = Self.messageSize
                $0.connection.maxFrameSize = Self.messageSize + (64 << 10)
                $0.connection.maxBufferedRequestBytes = Self.messageSize
                $0.maxBufferedRequestBytes = Self.serverBudget
            }
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
}

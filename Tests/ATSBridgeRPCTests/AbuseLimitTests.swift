import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeTestSupport
import NIOCore
import Testing

/// Each abuse limit of docs/security.md, hit over a real socket: the refusal (status, code,
/// metric), and clients on other connections still served.
@Suite struct AbuseLimitTests {
    let probe = Probe()
    var router: RPCRouter { TestMethods.router(probe: self.probe, store: InMemoryRecordStore()) }
    let echo = TestMethods.echo.fullName
    let ping = ATSBridgeProto.HealthService.ping.fullName

    init() {
        LimitMetrics.install()
    }

    private func request(_ streamID: UInt32, _ payload: [UInt8]) throws -> [UInt8] {
        RawConnection.frame(.message, flags: 1, streamID: streamID, payload: try PingRequest(payload: payload).encode())
    }

    private func goAway(_ connection: RawConnection) async throws -> GoAway {
        let frame = try await connection.waitForFrame("GOAWAY") { $0.type == .goAway }
        return try GoAway(decoding: Array(frame.payload.readableBytesView))
    }

    /// A normal client on its own connection gets its answer.
    private func expectServed(_ port: Int, apiKey: String = TestKeys.reader) async throws {
        let client = testClient(port: port, apiKey: apiKey)
        let response = try await client.unary(TestMethods.echo, PingRequest(payload: [42]))
        #expect(response.payload == [42])
        await client.close()
    }

    @Test func callsRefusedAtOpenAreRefusedWithoutReadingAndCounted() async throws {
        try await withTestServer(router: self.router) { port in
            let unauthenticated = LimitMetrics.calls(self.echo, "UNAUTHENTICATED")
            let unimplemented = LimitMetrics.calls("unknown", "UNIMPLEMENTED")
            let connection = try await RawConnection.handshaken(port: port)
            // No request MESSAGE is sent: a call without a key is refused at CALL_OPEN.
            try await connection.send(try RawConnection.callOpen(1, method: self.echo, apiKey: nil))
            let status = try await connection.status(of: 1)
            #expect(status.code == .unauthenticated && status.errorCode == "PLATFORM.AUTHENTICATION_INVALID")
            try await connection.send(try RawConnection.callOpen(3, method: "/x.Y/Nothing"))
            #expect(try await connection.status(of: 3).code == .unimplemented)
            try await eventually(timeout: .seconds(30), "the refusals to be counted") {
                LimitMetrics.calls(self.echo, "UNAUTHENTICATED") > unauthenticated
                    && LimitMetrics.calls("unknown", "UNIMPLEMENTED") > unimplemented
            }
            await connection.close()
        }
    }

    @Test func callsWithoutAKeyAcceptOnlyTinyMessages() async throws {
        try await withTestServer(
            router: self.router,
            configure: { $0.connection.maxUnauthenticatedMessageSize = 64 }
        ) { port in
            let hits = LimitMetrics.hits(.unauthenticatedMessageSize)
            let connection = try await RawConnection.handshaken(port: port)
            try await connection.send(
                try RawConnection.callOpen(1, method: self.ping, apiKey: nil)
                    + self.request(1, [UInt8](repeating: 1, count: 100))
            )
            let status = try await connection.status(of: 1)
            #expect(status.code == .resourceExhausted)
            // A small health check on the same connection is answered.
            try await connection.send(
                try RawConnection.callOpen(3, method: self.ping, apiKey: nil) + self.request(3, [1, 2, 3])
            )
            #expect(try await connection.status(of: 3).code == .ok)
            #expect(LimitMetrics.hits(.unauthenticatedMessageSize) > hits)
            try await self.expectServed(port)
            await connection.close()
        }
    }

    @Test func aStreamWhoseClientGrantsNoCreditIsCancelledAfterTheStallTimeout() async throws {
        try await withTestServerObject(
            router: self.router,
            configure: {
                $0.connection.creditStallTimeout = .milliseconds(300)
                $0.connection.maxConcurrentStreams = 1
            }
        ) { server, port in
            let hits = LimitMetrics.hits(.creditStall)
            let connection = try await RawConnection.handshaken(port: port, initialCredit: 2)
            try await connection.send(
                try RawConnection.callOpen(1, method: TestMethods.infinite.fullName) + self.request(1, [1])
            )
            try await eventually(timeout: .seconds(30), "the stream to use its credit") {
                connection.frames().filter { $0.type == .message && $0.streamID == 1 }.count == 2
            }
            let status = try await connection.status(of: 1)
            #expect(status.code == .resourceExhausted)
            #expect(connection.frames().filter { $0.type == .message && $0.streamID == 1 }.count == 2)
            try await eventually(timeout: .seconds(30), "the handler to be cancelled") { self.probe.cancelled == 1 }
            try await eventually(timeout: .seconds(30), "its request memory to be freed") {
                server.bufferedRequestBytes.now == 0
            }
            #expect(LimitMetrics.hits(.creditStall) > hits)
            // The stream's place is free again (one stream per connection here).
            try await connection.send(try RawConnection.callOpen(3, method: self.echo) + self.request(3, [3]))
            #expect(try await connection.status(of: 3).code == .ok)
            try await self.expectServed(port)
            await connection.close()
        }
    }

    @Test func aCallWhoseRequestNeverArrivesTimesOut() async throws {
        try await withTestServer(
            router: self.router,
            configure: { $0.connection.requestTimeout = .milliseconds(200) }
        ) { port in
            let hits = LimitMetrics.hits(.requestTimeout)
            let counted = LimitMetrics.calls(self.echo, "DEADLINE_EXCEEDED")
            let connection = try await RawConnection.handshaken(port: port)
            try await connection.send(try RawConnection.callOpen(1, method: self.echo))
            let status = try await connection.status(of: 1)
            #expect(status.code == .deadlineExceeded)
            #expect(LimitMetrics.hits(.requestTimeout) > hits)
            #expect(LimitMetrics.calls(self.echo, "DEADLINE_EXCEEDED") > counted)
            try await self.expectServed(port)
            await connection.close()
        }
    }

    @Test func deadlineExpiriesAreCountedAsDeadlineExceededNotCancelled() async throws {
        try await withTestServer(router: self.router) { port in
            let method = TestMethods.hold.fullName
            let expired = LimitMetrics.calls(method, "DEADLINE_EXCEEDED")
            let connection = try await RawConnection.handshaken(port: port)
            try await connection.send(
                try RawConnection.callOpen(1, method: method, timeoutMs: 200) + self.request(1, [])
            )
            #expect(try await connection.status(of: 1).code == .deadlineExceeded)
            try await eventually(timeout: .seconds(30), "the expiry to be counted") {
                LimitMetrics.calls(method, "DEADLINE_EXCEEDED") > expired
            }
            await connection.close()
        }
    }

    @Test func aSilentConnectionDoesNotHoldTheConnectionLimit() async throws {
        try await withTestServer(
            router: self.router,
            configure: {
                $0.maxConnections = 1
                // Long enough for a new client to open its call on a slow (sanitized) build.
                $0.connection.idleTimeout = .seconds(1)
            }
        ) { port in
            let hits = LimitMetrics.hits(.idleTimeout)
            let silent = try await RawConnection.handshaken(port: port)
            #expect(try await self.goAway(silent).code == .ok)
            try await silent.waitForClose()
            #expect(LimitMetrics.hits(.idleTimeout) > hits)
            try await eventually(timeout: .seconds(30), "the freed place to serve a new client") {
                let client = testClient(port: port)
                let response = try? await client.unary(TestMethods.echo, PingRequest(payload: [5]))
                await client.close()
                return response?.payload == [5]
            }
        }
    }

    @Test func aPingPayloadMustBeEightBytes() async throws {
        try await withTestServer(router: self.router) { port in
            let hits = LimitMetrics.hits(.pingPayload)
            let connection = try await RawConnection.handshaken(port: port)
            try await connection.send(RawConnection.frame(.ping, streamID: 0, payload: [1, 2, 3, 4]))
            #expect(try await self.goAway(connection).code == .invalidArgument)
            try await connection.waitForClose()
            #expect(LimitMetrics.hits(.pingPayload) > hits)
            try await self.expectServed(port)
        }
    }

    @Test func aPingFloodIsAConnectionError() async throws {
        try await withTestServer(router: self.router, configure: { $0.connection.maxPingsPerSecond = 5 }) { port in
            let hits = LimitMetrics.hits(.pingFlood)
            let connection = try await RawConnection.handshaken(port: port)
            let ping = RawConnection.frame(.ping, streamID: 0, payload: [UInt8](repeating: 0, count: 8))
            try await connection.send(Array((0..<50).map { _ in ping }.joined()))
            #expect(try await self.goAway(connection).code == .resourceExhausted)
            try await connection.waitForClose()
            #expect(connection.frames().filter { $0.type == .ping }.count <= 5)
            // One flood, one hit: the PINGs read after it, on the closing connection, are not
            // counted again.
            #expect(LimitMetrics.hits(.pingFlood) == hits + 1)
            try await self.expectServed(port)
        }
    }

    @Test func aKeyOverItsRequestRateIsRefusedAndOtherKeysAreServed() async throws {
        try await withTestServer(router: self.router, configure: { $0.keyRequestsPerSecond = 1 }) { port in
            let hits = LimitMetrics.hits(.keyRate)
            let client = testClient(port: port)
            // Thirty calls at once: one a second is allowed, however busy the machine.
            let outcomes = await withTaskGroup(of: ATSBridgeError?.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        do {
                            _ = try await client.unary(TestMethods.echo, PingRequest(payload: [UInt8(index)]))
                            return nil
                        } catch {
                            return error as? ATSBridgeError
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let refused = outcomes.compactMap { $0 }
            #expect(!refused.isEmpty && refused.count < 30)
            #expect(refused.allSatisfy { $0.code.dotted == "PLATFORM.RATE_LIMIT_EXCEEDED" })
            #expect(refused.allSatisfy { $0.code.status == .resourceExhausted })
            #expect(LimitMetrics.hits(.keyRate) > hits)
            try await self.expectServed(port, apiKey: TestKeys.readerOfOne)
            await client.close()
        }
    }

    @Test func writesOverTheServersCapAreRefusedWhileReadsGoOn() async throws {
        try await withTestServer(router: self.router, configure: { $0.maxConcurrentWrites = 1 }) { port in
            let hits = LimitMetrics.hits(.concurrentWrites)
            let writer = testClient(port: port, apiKey: TestKeys.admin)
            let slow = Task { try await writer.unary(TestMethods.slowWrite, PingRequest(payload: [200])) }
            try await eventually(timeout: .seconds(30), "the first write to run") { self.probe.attemptedWrites == 1 }
            let second = testClient(port: port, apiKey: TestKeys.admin)
            await #expect {
                _ = try await second.unary(TestMethods.slowWrite, PingRequest(payload: [0]))
            } throws: {
                ($0 as? ATSBridgeError)?.code.status == .resourceExhausted
            }
            #expect(LimitMetrics.hits(.concurrentWrites) > hits)
            try await self.expectServed(port)
            slow.cancel()
            _ = try? await slow.value
            // The place is given back when the write ends.
            try await eventually(timeout: .seconds(30), "a write to be admitted again") {
                (try? await second.unary(TestMethods.slowWrite, PingRequest(payload: [0]))) != nil
            }
            await writer.close()
            await second.close()
        }
    }

    @Test func theConnectionLimitIsAlsoEnforcedPerClientAddress() async throws {
        try await withTestServer(
            router: self.router,
            configure: { $0.maxConnectionsPerAddress = 2 }
        ) { port in
            let hits = LimitMetrics.hits(.connectionsPerAddress)
            // One after the other: connections accepted at once may be counted in any order.
            let first = try await RawConnection.handshaken(port: port)
            _ = try await first.waitForFrame("SETTINGS") { $0.type == .settings }
            let second = try await RawConnection.handshaken(port: port)
            _ = try await second.waitForFrame("SETTINGS") { $0.type == .settings }
            let third = try await RawConnection.connect(port: port)
            let goAway = try await self.goAway(third)
            #expect(goAway.code == .resourceExhausted)
            try await third.waitForClose()
            #expect(LimitMetrics.hits(.connectionsPerAddress) > hits)
            // Another client address is served.
            let other = try await RawConnection.handshaken(port: port, from: "127.0.0.2")
            try await other.send(try RawConnection.callOpen(1, method: self.echo) + self.request(1, [9]))
            #expect(try await other.status(of: 1).code == .ok)
            for connection in [first, second, other] { await connection.close() }
        }
    }
}

import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeTestSupport
import NIOCore
import Testing

/// The limits of docs/protocol.md that each side enforces exactly, over real sockets.
@Suite struct ProtocolLimitTests {
    let probe = Probe()
    var router: RPCRouter { TestMethods.router(probe: self.probe, store: InMemoryRecordStore()) }
    let echo = TestMethods.echo.fullName

    private func request(_ streamID: UInt32, _ message: some ProtoMessage) throws -> [UInt8] {
        RawConnection.frame(.message, flags: 1, streamID: streamID, payload: try message.encode())
    }

    private func goAway(_ connection: RawConnection) async throws -> GoAway {
        let frame = try await connection.waitForFrame("GOAWAY") { $0.type == .goAway }
        return try GoAway(decoding: Array(frame.payload.readableBytesView))
    }

    @Test func theServerHonoursTheClientsMessageAndFrameLimits() async throws {
        try await withTestServer(router: self.router) { port in
            for settings in [Settings(maxMessageSize: 64), Settings(maxFrameSize: 64)] {
                let connection = try await RawConnection.handshaken(port: port, settings: settings)
                try await connection.send(try RawConnection.callOpen(1, method: self.echo))
                try await connection.send(try self.request(1, PingRequest(payload: [UInt8](repeating: 1, count: 100))))
                let status = try await connection.status(of: 1)
                #expect(status.code == .resourceExhausted)
                #expect(!connection.frames().contains { $0.type == .message })
                // A response within the limits is sent on the same connection.
                try await connection.send(try RawConnection.callOpen(3, method: self.echo))
                try await connection.send(try self.request(3, PingRequest(payload: [3])))
                #expect(try await connection.status(of: 3).code == .ok)
                #expect(connection.frames().contains { $0.type == .message && $0.streamID == 3 })
                await connection.close()
            }
        }
    }

    @Test func aRequestOverTheServersLimitFailsOnTheClientWithoutBeingSent() async throws {
        try await withTestServer(router: self.router, configure: { $0.connection.maxMessageSize = 64 }) { port in
            let client = testClient(port: port)
            await #expect {
                _ = try await client.unary(TestMethods.echo, PingRequest(payload: [UInt8](repeating: 1, count: 100)))
            } throws: {
                ($0 as? ATSBridgeError)?.code.status == .resourceExhausted
            }
            let small = try await client.unary(TestMethods.echo, PingRequest(payload: [2]))
            #expect(small.payload == [2])
            await client.close()
        }
    }

    @Test func oneGrantOfTheMaximumIsAcceptedButCreditPastItIsAConnectionError() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port, initialCredit: 0)
            // A call that stays open without sending.
            try await connection.send(try RawConnection.callOpen(1, method: TestMethods.hold.fullName))
            try await connection.send(try self.request(1, PingRequest()))
            try await connection.send(RawConnection.credit(1, UInt32(Int32.max)))
            try await connection.send(RawConnection.frame(.ping, streamID: 0, payload: [UInt8](repeating: 0, count: 8)))
            _ = try await connection.waitForFrame("PING ACK") { $0.type == .ping }
            #expect(!connection.frames().contains { $0.type == .goAway })
            try await connection.send(RawConnection.credit(1, 1))
            #expect(try await self.goAway(connection).code == .invalidArgument)
            try await connection.waitForClose()
        }
    }

    @Test func settingsWithAnInitialCreditPastTheMaximumAreAConnectionError() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port, initialCredit: UInt32(Int32.max) + 1)
            #expect(try await self.goAway(connection).code == .invalidArgument)
            try await connection.waitForClose()
        }
    }

    @Test func cumulativeCreditPastTheMaximumIsAConnectionError() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port)
            try await connection.send(try RawConnection.callOpen(1, method: TestMethods.hold.fullName))
            try await connection.send(try self.request(1, PingRequest()))
            try await connection.send(RawConnection.credit(1, 1 << 30) + RawConnection.credit(1, 1 << 30))
            #expect(try await self.goAway(connection).code == .invalidArgument)
            try await connection.waitForClose()
        }
    }

    @Test func aBurstOfConnectionsNeverExceedsTheLimitAndRefusedPeersGetGoAway() async throws {
        try await withTestServer(router: self.router, configure: { $0.maxConnections = 2 }) { port in
            let connections = try await withThrowingTaskGroup(of: RawConnection.self) { group in
                for _ in 0..<12 { group.addTask { try await RawConnection.connect(port: port) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            try await eventually(timeout: .seconds(10), "ten connections to be refused") {
                connections.filter(\.isClosed).count == 10
            }
            for refused in connections where refused.isClosed {
                let goAway = try await self.goAway(refused)
                #expect(goAway.code == .resourceExhausted)
            }
            // The two admitted connections are served.
            for (index, admitted) in connections.filter({ !$0.isClosed }).enumerated() {
                var bytes = ConnectionPreface.bytes
                bytes += RawConnection.frame(.settings, streamID: 0, payload: try Settings().encode())
                try await admitted.send(bytes + (try RawConnection.callOpen(1, method: self.echo)))
                try await admitted.send(try self.request(1, PingRequest(payload: [UInt8(index)])))
                #expect(try await admitted.status(of: 1).code == .ok)
            }
            #expect(connections.filter(\.isClosed).count == 10)
            for connection in connections { await connection.close() }
            // Closed connections free their places.
            try await eventually("a new connection to be served") {
                let client = testClient(port: port)
                let response = try? await client.unary(TestMethods.echo, PingRequest(payload: [9]))
                await client.close()
                return response?.payload == [9]
            }
        }
    }

    @Test func refusedPeersThatSendTheirPrefaceAtOnceStillReadTheGoAway() async throws {
        try await withTestServer(router: self.router, configure: { $0.maxConnections = 1 }) { port in
            let admitted = try await RawConnection.handshaken(port: port)
            _ = try await admitted.waitForFrame("SETTINGS") { $0.type == .settings }
            // A client sends its preface and SETTINGS as soon as it connects (§1.1): unread, they
            // would make the close a reset, which can discard the GOAWAY on its way.
            let refused = try await withThrowingTaskGroup(of: RawConnection.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        let connection = try await RawConnection.connect(port: port)
                        var bytes = ConnectionPreface.bytes
                        bytes += RawConnection.frame(.settings, streamID: 0, payload: try Settings().encode())
                        // The server's GOAWAY and close may be in before it is sent.
                        try? await connection.send(bytes)
                        return connection
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for connection in refused {
                #expect(try await self.goAway(connection).code == .resourceExhausted)
                try await connection.waitForClose()
            }
            for connection in refused + [admitted] { await connection.close() }
        }
    }

    @Test func aClientOverTheConnectionLimitSaysWhy() async throws {
        try await withTestServer(router: self.router, configure: { $0.maxConnections = 1 }) { port in
            let admitted = try await RawConnection.handshaken(port: port)
            _ = try await admitted.waitForFrame("SETTINGS") { $0.type == .settings }
            let client = testClient(port: port)
            let message = await {
                do {
                    _ = try await client.unary(
                        TestMethods.echo,
                        PingRequest(),
                        options: CallOptions(timeout: .seconds(5))
                    )
                    return ""
                } catch {
                    return (error as? ATSBridgeError)?.message ?? "\(error)"
                }
            }()
            #expect(message.contains("RESOURCE_EXHAUSTED") && message.contains("too many connections"), "\(message)")
            await client.close()
            await admitted.close()
        }
    }

    @Test func aFrameHeaderOverTheLimitIsCountedAsAMessageSizeLimitHit() async throws {
        LimitMetrics.install()
        try await withTestServer(router: self.router, configure: { $0.connection.maxFrameSize = 1024 }) { port in
            let before = LimitMetrics.hits(.messageSize)
            let connection = try await RawConnection.handshaken(port: port)
            // Only the header: the connection error is due before any payload (§4).
            var header = ByteBuffer()
            header.writeFrameHeader(type: .message, flags: FrameFlags(rawValue: 0), streamID: 1, length: 1 << 20)
            try await connection.send(header)
            #expect(try await self.goAway(connection).code == .resourceExhausted)
            try await connection.waitForClose()
            #expect(LimitMetrics.hits(.messageSize) > before)
        }
    }

    @Test(arguments: [FrameType.settings, .callOpen, FrameType(rawValue: 0x7F)])
    func aFrameOtherThanMessageOver64KiBIsRefusedOnItsHeader(_ type: FrameType) async throws {
        try await withTestServer(router: self.router) { port in
            // Within max_frame_size (16 MiB): without its own limit, the server would buffer
            // such a frame whole, outside the request memory budget, before reading it.
            let connection = try await RawConnection.connect(port: port)
            var bytes = ByteBuffer(bytes: ConnectionPreface.bytes)
            if type != .settings {
                bytes.writeBytes(RawConnection.frame(.settings, streamID: 0, payload: try Settings().encode()))
            }
            bytes.writeFrameHeader(type: type, flags: FrameFlags(rawValue: 0), streamID: 1, length: 64 * 1024 + 1)
            bytes.writeBytes([UInt8](repeating: 0, count: 1024))
            try await connection.send(bytes)
            #expect(try await self.goAway(connection).code == .resourceExhausted)
            try await connection.waitForClose()
        }
    }

    @Test func aClosingConnectionDeliversWhatIsQueuedBeforeItsGoAway() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.stalledStream(port: port, probe: self.probe)
            // A connection error now closes the connection with most of that still queued; the
            // idle timeout and a shutdown close the same way.
            try await connection.send(RawConnection.credit(1, 1 << 30) + RawConnection.credit(1, 1 << 30))
            try await Task.sleep(for: .milliseconds(300))
            connection.resumeReading()
            try await connection.waitForClose(timeout: .seconds(20))
            let frames = connection.frames()
            #expect(frames.filter { $0.type == .message }.count == self.probe.completedWrites)
            #expect(frames.last?.type == .goAway, "every queued message, then the GOAWAY, none cut off")
            #expect(try await self.goAway(connection).code == .invalidArgument)
        }
    }

    @Test func theHandshakeTimeoutClosesWithGoAwayDeadlineExceeded() async throws {
        try await withTestServer(
            router: self.router,
            configure: { $0.connection.handshakeTimeout = .milliseconds(200) }
        ) { port in
            let connection = try await RawConnection.connect(port: port)
            // Sent or not in time on a busy machine: both handshake states time out alike.
            try? await connection.send(ConnectionPreface.bytes)
            #expect(try await self.goAway(connection).code == .deadlineExceeded)
            try await connection.waitForClose(timeout: .seconds(3))
        }
    }

    @Test func refusedCallsAndExpiredDeadlinesEndWithTheirOwnStatus() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port)
            // Authorization runs before the handler, on the call's task.
            try await connection.send(try RawConnection.callOpen(1, method: self.echo, apiKey: "wrong"))
            try await connection.send(try self.request(1, PingRequest(payload: [1])))
            #expect(try await connection.status(of: 1).code == .unauthenticated)
            // One write, so that the request is there long before the deadline even on a busy machine.
            try await connection.send(
                try RawConnection.callOpen(3, method: TestMethods.hold.fullName, timeoutMs: 300)
                    + self.request(3, PingRequest())
            )
            #expect(try await connection.status(of: 3).code == .deadlineExceeded)
            try await eventually("the handler to be cancelled") { self.probe.cancelled == 1 }
            await connection.close()
        }
    }

    @Test func anAPIKeyWithANULIsRefusedNotCutShort() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port)
            var open = try CallOpen(method: self.echo, apiKey: TestKeys.reader + "~junk", integrationID: "int-1")
                .encode()
            open = open.map { $0 == UInt8(ascii: "~") ? 0 : $0 }
            try await connection.send(RawConnection.frame(.callOpen, streamID: 1, payload: open))
            try await connection.send(try self.request(1, PingRequest(payload: [1])))
            #expect(try await connection.status(of: 1).code == .invalidArgument)
            #expect(!connection.frames().contains { $0.type == .message })
            #expect(!connection.isClosed)
            await connection.close()
        }
    }
}

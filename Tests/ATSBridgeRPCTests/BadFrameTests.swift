import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeTestSupport
import NIOCore
import Testing

/// Misbehaving peers, over real sockets. After each, the server must still serve a
/// well-behaved client.
@Suite struct BadFrameTests {
    let probe = Probe()
    var router: RPCRouter { TestMethods.router(probe: self.probe, store: InMemoryRecordStore()) }
    let echo = TestMethods.echo.fullName

    private func expectServerStillWorks(_ port: Int) async throws {
        let client = testClient(port: port)
        #expect(try await client.unary(TestMethods.echo, PingRequest(payload: [42])).payload == [42])
        await client.close()
    }

    private func request(_ streamID: UInt32, _ message: some ProtoMessage, flags: UInt8 = 1) throws -> [UInt8] {
        RawConnection.frame(.message, flags: flags, streamID: streamID, payload: try message.encode())
    }

    @Test func wrongMagicIsRefusedAndClosedAtOnce() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.connect(port: port)
            try await connection.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            try await connection.waitForClose(timeout: .seconds(2))
            // Nothing but the server's own preface and settings was sent back.
            #expect(connection.frames().allSatisfy { $0.type == .settings })
            try await self.expectServerStillWorks(port)
        }
    }

    @Test func oversizedFrameHeaderClosesWithoutReadingThePayload() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port)
            // Only the 10-byte header of a 1 GiB frame: the server must not wait for the payload.
            try await connection.send(ByteBufferHeader.make(length: 1 << 30, type: 0x2, streamID: 1))
            let goAway = try await connection.waitForFrame("GOAWAY") { $0.type == .goAway }
            let decoded = try GoAway(decoding: Array(goAway.payload.readableBytesView))
            #expect(decoded.code == .resourceExhausted)
            try await connection.waitForClose()
            try await self.expectServerStillWorks(port)
        }
    }

    @Test func messageOverTheMessageLimitResetsOnlyItsStream() async throws {
        try await withTestServer(router: self.router, configure: { $0.connection.maxMessageSize = 1024 }) { port in
            let connection = try await RawConnection.handshaken(port: port)
            try await connection.send(try RawConnection.callOpen(1, method: self.echo))
            try await connection.send(
                RawConnection.frame(.message, flags: 1, streamID: 1, payload: [UInt8](repeating: 0, count: 4096))
            )
            #expect(try await connection.status(of: 1).code == .resourceExhausted)
            // The same connection still serves calls.
            try await connection.send(try RawConnection.callOpen(3, method: self.echo))
            try await connection.send(try self.request(3, PingRequest(payload: [5])))
            #expect(try await connection.status(of: 3).code == .ok)
            #expect(!connection.isClosed)
            await connection.close()
        }
    }

    @Test func unknownFrameTypeIsIgnoredOnTheConnectionAndResetsAStream() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port)
            try await connection.send(RawConnection.frame(FrameType(rawValue: 0x42), streamID: 0, payload: [1, 2, 3]))
            try await connection.send(RawConnection.frame(.ping, streamID: 0, payload: [1, 2, 3, 4, 5, 6, 7, 8]))
            let pong = try await connection.waitForFrame("PING ACK") { $0.type == .ping && $0.flags.contains(.ack) }
            #expect(Array(pong.payload.readableBytesView) == [1, 2, 3, 4, 5, 6, 7, 8])

            try await connection.send(try RawConnection.callOpen(1, method: self.echo))
            try await connection.send(RawConnection.frame(FrameType(rawValue: 0x42), streamID: 1, payload: []))
            // The stream is reset with CANCEL carrying the status (§2.7), not answered with STATUS.
            let reset = try await connection.waitForFrame("CANCEL on stream 1") {
                $0.type == .cancel && $0.streamID == 1
            }
            #expect(try Status(decoding: Array(reset.payload.readableBytesView)).code == .invalidArgument)
            #expect(!connection.frames().contains { $0.type == .status && $0.streamID == 1 })
            #expect(!connection.isClosed)
            await connection.close()
            try await self.expectServerStillWorks(port)
        }
    }

    @Test func framesForStreamsNeverOpenedCloseTheConnection() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port)
            try await connection.send(try self.request(9, PingRequest()))
            let goAway = try await connection.waitForFrame("GOAWAY") { $0.type == .goAway }
            #expect(try GoAway(decoding: Array(goAway.payload.readableBytesView)).code == .invalidArgument)
            try await connection.waitForClose()
            try await self.expectServerStillWorks(port)
        }
    }

    @Test func framesForClosedStreamsAreIgnored() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port)
            try await connection.send(try RawConnection.callOpen(1, method: self.echo))
            try await connection.send(try self.request(1, PingRequest(payload: [1])))
            #expect(try await connection.status(of: 1).code == .ok)
            // Late CREDIT and CANCEL for the finished stream 1: ignored.
            var credit = ByteBuffer()
            credit.writeCreditFrame(streamID: 1, count: 4)
            try await connection.send(Array(credit.readableBytesView))
            try await connection.send(RawConnection.frame(.cancel, streamID: 1, payload: []))
            try await connection.send(try RawConnection.callOpen(3, method: self.echo))
            try await connection.send(try self.request(3, PingRequest(payload: [3])))
            #expect(try await connection.status(of: 3).code == .ok)
            #expect(!connection.isClosed)
            await connection.close()
        }
    }

    @Test func secondCallOpenOnTheSameStreamClosesTheConnection() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port)
            try await connection.send(try RawConnection.callOpen(5, method: TestMethods.sleep.fullName))
            try await connection.send(try RawConnection.callOpen(5, method: self.echo))
            let goAway = try await connection.waitForFrame("GOAWAY") { $0.type == .goAway }
            #expect(try GoAway(decoding: Array(goAway.payload.readableBytesView)).code == .invalidArgument)
            try await connection.waitForClose()
            try await self.expectServerStillWorks(port)
        }
    }

    @Test func undecodableRequestIsInvalidArgumentAndTheConnectionSurvives() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port)
            try await connection.send(try RawConnection.callOpen(1, method: self.echo))
            try await connection.send(
                RawConnection.frame(.message, flags: 1, streamID: 1, payload: [0x0A, 0xFF, 0xFF])
            )
            let status = try await connection.status(of: 1)
            #expect(status.code == .invalidArgument)
            #expect(status.errorCode == "PLATFORM.INPUT_INVALID")
            // An undecodable CALL_OPEN is a stream error too.
            try await connection.send(RawConnection.frame(.callOpen, streamID: 3, payload: [0xFF, 0x01]))
            #expect(try await connection.status(of: 3).code == .invalidArgument)
            try await connection.send(try RawConnection.callOpen(5, method: self.echo))
            try await connection.send(try self.request(5, PingRequest(payload: [5])))
            #expect(try await connection.status(of: 5).code == .ok)
            await connection.close()
        }
    }

    @Test func unaryCallWithTwoMessagesIsACardinalityError() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port)
            try await connection.send(try RawConnection.callOpen(1, method: TestMethods.sleep.fullName))
            try await connection.send(
                try self.request(1, PingRequest(payload: [50]), flags: 0) + self.request(1, PingRequest(payload: [1]))
            )
            let status = try await connection.status(of: 1)
            #expect(status.code == .invalidArgument)
            #expect(status.errorCode == "PLATFORM.CARDINALITY_VIOLATION")
            try await eventually("the handler to be cancelled") { self.probe.cancelled == 1 }
            await connection.close()
        }
    }

    /// A second MESSAGE over the message limit is a stream error: the call ends with
    /// RESOURCE_EXHAUSTED and its handler is cancelled (it used to run on, unseen, and hold
    /// the server's shutdown).
    @Test func aSecondMessageOverTheLimitCancelsTheRunningCall() async throws {
        try await withTestServer(router: self.router, configure: { $0.connection.maxMessageSize = 1024 }) { port in
            let connection = try await RawConnection.handshaken(port: port)
            try await connection.send(try RawConnection.callOpen(1, method: TestMethods.hold.fullName))
            try await connection.send(try self.request(1, PingRequest(), flags: 0))
            try await connection.send(
                RawConnection.frame(.message, flags: 1, streamID: 1, payload: [UInt8](repeating: 0, count: 4096))
            )
            #expect(try await connection.status(of: 1).code == .resourceExhausted)
            try await eventually("the handler to be cancelled") { self.probe.cancelled == 1 }
            await connection.close()
            try await self.expectServerStillWorks(port)
        }
    }

    /// A peer that accepts the connection and never sends its preface and SETTINGS: the
    /// client's calls fail UNAVAILABLE once its reconnect attempts (each ended by the handshake
    /// timeout) are spent, instead of waiting forever.
    @Test func aServerThatNeverAnswersTheHandshakeFailsTheCall() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        var configuration = RPCClientConfiguration(port: listener.port, apiKey: TestKeys.reader)
        configuration.connection.handshakeTimeout = .milliseconds(300)
        let client = RPCClient(configuration: configuration)
        let started = ContinuousClock.now
        await #expect {
            _ = try await client.unary(TestMethods.echo, PingRequest(payload: [1]))
        } throws: { error in
            (error as? ATSBridgeError)?.code == .unavailable
        }
        #expect(ContinuousClock.now - started < .seconds(40))
        await client.close()
    }

    @Test func tooManyStreamsAreRefused() async throws {
        try await withTestServer(router: self.router, configure: { $0.connection.maxConcurrentStreams = 2 }) { port in
            // Streams that stay open until the client leaves: with a credit of one message each,
            // however long this task is starved between its sends.
            let connection = try await RawConnection.handshaken(port: port, initialCredit: 1)
            for id: UInt32 in [1, 3] {
                try await connection.send(try RawConnection.callOpen(id, method: TestMethods.infinite.fullName))
                try await connection.send(try self.request(id, PingRequest()))
            }
            try await connection.send(try RawConnection.callOpen(5, method: self.echo))
            let refused = try await connection.status(of: 5)
            #expect(refused.code == .resourceExhausted)
            try await eventually("a message on each open stream") {
                Set(connection.frames().filter { $0.type == .message }.map(\.streamID)) == [1, 3]
            }
            #expect(!connection.frames().contains { $0.type == .status && $0.streamID != 5 })
            await connection.close()
            try await eventually("both handlers to be cancelled by the disconnect") { self.probe.cancelled == 2 }
        }
    }

    @Test func aClientThatNeverGrantsCreditGetsOnlyItsInitialCredit() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port, initialCredit: 3)
            try await connection.send(try RawConnection.callOpen(1, method: TestMethods.infinite.fullName))
            try await connection.send(try self.request(1, PingRequest()))
            try await eventually("the handler to block on its fourth write") { self.probe.attemptedWrites == 4 }
            try await eventually("the three granted messages") {
                connection.frames().filter { $0.type == .message }.count == 3
            }
            // A negative can only be checked by waiting a while: the handler stays blocked.
            try await Task.sleep(for: .milliseconds(200))
            #expect(self.probe.completedWrites == 3)
            #expect(connection.frames().filter { $0.type == .message }.count == 3)
            var credit = ByteBuffer()
            credit.writeCreditFrame(streamID: 1, count: 2)
            try await connection.send(Array(credit.readableBytesView))
            try await eventually("two more messages") { connection.frames().filter { $0.type == .message }.count == 5 }
            await connection.close()
            try await eventually("the handler to be cancelled by the disconnect") { self.probe.cancelled == 1 }
        }
    }

    @Test func aClientThatNeverReadsCostsBoundedMemory() async throws {
        try await withTestServer(router: self.router) { port in
            // Plenty of credit, but the socket is never read: messages pile up only until the
            // socket buffers and the server's write high-water mark are full.
            let connection = try await RawConnection.stalledStream(port: port, probe: self.probe)
            // Loopback socket buffers hold a few MiB; far below what unbounded buffering would hit.
            #expect(self.probe.completedWrites * 64 < 64 * 1024)
            await connection.close()
            try await eventually("the handler to be cancelled by the disconnect") { self.probe.cancelled == 1 }
        }
    }

    @Test func slowLorisHandshakeTimesOut() async throws {
        try await withTestServer(
            router: self.router,
            configure: { $0.connection.handshakeTimeout = .milliseconds(200) }
        ) {
            port in
            let connection = try await RawConnection.connect(port: port)
            // On a busy machine the server may have timed the handshake out already.
            try? await connection.send(Array(ConnectionPreface.bytes.prefix(3)))
            try await connection.waitForClose(timeout: .seconds(3))
            try await self.expectServerStillWorks(port)
        }
    }

    @Test func abruptDisconnectMidStreamCancelsTheHandler() async throws {
        try await withTestServer(router: self.router) { port in
            let connection = try await RawConnection.handshaken(port: port, initialCredit: 1_000)
            try await connection.send(try RawConnection.callOpen(1, method: TestMethods.infinite.fullName))
            try await connection.send(try self.request(1, PingRequest()))
            try await eventually("messages to flow") { self.probe.completedWrites > 10 }
            await connection.close()
            try await eventually("the handler to be cancelled") { self.probe.cancelled == 1 }
            try await self.expectServerStillWorks(port)
        }
    }

    @Test func idleConnectionsAreClosedWithGoAway() async throws {
        try await withTestServer(router: self.router, configure: { $0.connection.idleTimeout = .milliseconds(200) }) {
            port in
            let connection = try await RawConnection.handshaken(port: port)
            let goAway = try await connection.waitForFrame("GOAWAY") { $0.type == .goAway }
            #expect(try GoAway(decoding: Array(goAway.payload.readableBytesView)).code == .ok)
            try await connection.waitForClose()
        }
    }

    @Test func connectionsOverTheLimitAreClosedOnAccept() async throws {
        try await withTestServer(router: self.router, configure: { $0.maxConnections = 1 }) { port in
            let client = testClient(port: port)
            #expect(try await client.unary(TestMethods.echo, PingRequest(payload: [1])).payload == [1])
            let second = try await RawConnection.connect(port: port)
            try await second.waitForClose(timeout: .seconds(3))
            // The first connection is unaffected.
            #expect(try await client.unary(TestMethods.echo, PingRequest(payload: [2])).payload == [2])
            await client.close()
        }
    }
}

/// Builds a frame header with an arbitrary length, without a payload.
enum ByteBufferHeader {
    static func make(length: UInt32, type: UInt8, streamID: UInt32) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeMultipleIntegers(length, type, UInt8(0), streamID)
        return Array(buffer.readableBytesView)
    }
}

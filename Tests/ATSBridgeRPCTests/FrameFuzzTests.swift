import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeTestSupport
import NIOCore
import Testing

/// Throws 10,000 random and mutated frame sequences at a live server, on many connections.
/// The server must survive every one and serve a well-behaved client afterwards.
@Suite struct FrameFuzzTests {
    static let sequences = 10_000
    static let connections = 50

    private static func validSequence(_ id: UInt32) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes += try RawConnection.callOpen(id, method: TestMethods.echo.fullName)
        bytes += RawConnection.frame(.message, flags: 1, streamID: id, payload: try PingRequest(payload: [1]).encode())
        bytes += RawConnection.frame(.ping, streamID: 0, payload: [0, 1, 2, 3, 4, 5, 6, 7])
        var credit = ByteBuffer()
        credit.writeCreditFrame(streamID: id, count: 3)
        bytes += Array(credit.readableBytesView)
        bytes += RawConnection.frame(.cancel, streamID: id, payload: [])
        return bytes
    }

    private static func mutate(_ bytes: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...3, using: &random) where !bytes.isEmpty {
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.removeSubrange(index..<min(bytes.count, index + Int.random(in: 1...6, using: &random)))
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
            default: bytes[index] ^= 0xFF
            }
        }
        return bytes
    }

    /// A new handshaken connection. The server may close one before its handshake is written
    /// (the short handshake timeout of this test on a busy machine, or a PING flood of the
    /// previous one still being counted): that is the server defending itself, so try again.
    private static func handshaken(_ port: Int) async throws -> RawConnection {
        var attempt = 0
        while true {
            do {
                return try await RawConnection.handshaken(port: port)
            } catch  where attempt < 20 {
                attempt += 1
            }
        }
    }

    @Test func randomAndMutatedFrameSequencesNeverHurtTheServer() async throws {
        let probe = Probe()
        try await withTestServer(
            router: TestMethods.router(probe: probe, store: InMemoryRecordStore()),
            configure: { $0.connection.handshakeTimeout = .milliseconds(500) }
        ) { port in
            try await withThrowingTaskGroup(of: Int.self) { group in
                let perConnection = Self.sequences / Self.connections
                for worker in 0..<Self.connections {
                    group.addTask {
                        var random = SeededGenerator(seed: UInt64(worker) &* 0x9E37_79B9 &+ 1)
                        var sent = 0
                        var connection = try await Self.handshaken(port)
                        var streamID: UInt32 = 1
                        while sent < perConnection {
                            if connection.isClosed {
                                await connection.close()
                                connection = try await Self.handshaken(port)
                                streamID = 1
                            }
                            let sequence: [UInt8]
                            switch sent % 3 {
                            case 0:
                                sequence = (0..<Int.random(in: 1...64, using: &random)).map { _ in
                                    UInt8.random(in: 0...255, using: &random)
                                }
                            default:
                                sequence = Self.mutate(try Self.validSequence(streamID), &random)
                            }
                            streamID += 2
                            try? await connection.send(sequence)
                            sent += 1
                        }
                        await connection.close()
                        return sent
                    }
                }
                var total = 0
                for try await sent in group { total += sent }
                #expect(total == Self.sequences)
            }
            let client = testClient(port: port)
            #expect(try await client.unary(TestMethods.echo, PingRequest(payload: [7])).payload == [7])
            await client.close()
        }
    }
}

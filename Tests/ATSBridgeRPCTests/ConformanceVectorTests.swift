import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeTestSupport
import Foundation
import NIOCore
import Testing

/// The shared conformance vectors (`conformance/frames.json`, also run by the Python client's
/// tests): the Swift frame codec and server are held to the same bytes.
@Suite struct ConformanceVectorTests {
    struct Vectors: Decodable {
        struct Message: Decodable {
            var type: String
            var json: ProtoJSONValue
        }

        struct ValidFrame: Decodable, CustomTestStringConvertible {
            var name: String
            var hex: String
            var type: UInt8
            var flags: UInt8
            var stream_id: UInt32
            var payload_hex: String
            var message: Message?
            var credit: UInt32?
            var testDescription: String { self.name }
        }

        struct InvalidFrame: Decodable, CustomTestStringConvertible {
            struct Failure: Decodable {
                var kind: String
                var status: String?
            }
            var name: String
            var hex: String
            var max_frame_size: Int
            var error: Failure
            var testDescription: String { self.name }
        }

        struct Session: Decodable, CustomTestStringConvertible {
            struct StreamStatus: Decodable {
                var stream_id: UInt32
                var code: String
                var frame: String?
            }
            struct Expectation: Decodable {
                var goaway: String?
                var close: Bool?
                var stream_status: StreamStatus?
                var pong: String?
            }
            var name: String
            var client_hex: [String]
            var handshake: Bool?
            var expect: Expectation
            var testDescription: String { self.name }
        }

        var version: Int
        var frames: [ValidFrame]
        var invalid_frames: [InvalidFrame]
        var sessions: [Session]
    }

    static let vectors: Vectors = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("conformance/frames.json")
        do {
            return try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
        } catch {
            fatalError("conformance/frames.json cannot be read: \(error)")
        }
    }()

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    /// A message's JSON in the CLI's shape, by full protobuf name.
    static func json(_ type: String, _ payload: [UInt8]) throws -> ProtoJSONValue {
        let json: [UInt8]
        switch type {
        case Settings.protoName: json = try Settings(decoding: payload).jsonBytes()
        case CallOpen.protoName: json = try CallOpen(decoding: payload).jsonBytes()
        case Status.protoName: json = try Status(decoding: payload).jsonBytes()
        case GoAway.protoName: json = try GoAway(decoding: payload).jsonBytes()
        case PingRequest.protoName: json = try PingRequest(decoding: payload).jsonBytes()
        case ListCandidatesRequest.protoName: json = try ListCandidatesRequest(decoding: payload).jsonBytes()
        default: throw ProtoCodecError(code: .malformed, message: "no decoder in this test", messageType: type)
        }
        return try JSONDecoder().decode(ProtoJSONValue.self, from: Data(json))
    }

    /// Whether `actual` holds every field of `expected`, recursively (fields not listed are
    /// not checked).
    static func contains(_ actual: ProtoJSONValue, _ expected: ProtoJSONValue) -> Bool {
        guard case .object(let wanted) = expected, case .object(let fields) = actual else { return actual == expected }
        return wanted.allSatisfy { key, value in fields[key].map { self.contains($0, value) } ?? false }
    }

    @Test func theVectorsAreThere() {
        #expect(Self.vectors.version == 1)
        #expect(Self.vectors.frames.count >= 10 && Self.vectors.sessions.count >= 10)
    }

    @Test(arguments: Self.vectors.frames)
    func validFramesDecodeAndEncodeExactly(vector: Vectors.ValidFrame) throws {
        let hex = Self.bytes(vector.hex)
        var buffer = ByteBuffer(bytes: ConnectionPreface.bytes + hex)
        var decoder = FrameDecoder(maxFrameSize: 4 << 20 + 64 << 10, maxMessageSize: 4 << 20)
        guard case .preface = try decoder.decode(buffer: &buffer),
            case .frame(let frame) = try decoder.decode(buffer: &buffer)
        else {
            Issue.record("\(vector.name): no frame decoded")
            return
        }
        #expect(buffer.readableBytes == 0)
        #expect(frame.type.rawValue == vector.type)
        #expect(frame.flags.rawValue == vector.flags)
        #expect(frame.streamID == vector.stream_id)
        let payload = Array(frame.payload.readableBytesView)
        #expect(payload == Self.bytes(vector.payload_hex))

        var encoded = ByteBuffer()
        encoded.writeFrame(
            type: FrameType(rawValue: vector.type),
            flags: FrameFlags(rawValue: vector.flags),
            streamID: vector.stream_id,
            payload: payload
        )
        #expect(Array(encoded.readableBytesView) == hex)

        if let credit = vector.credit {
            var creditFrame = ByteBuffer()
            creditFrame.writeCreditFrame(streamID: vector.stream_id, count: credit)
            #expect(Array(creditFrame.readableBytesView) == hex)
        }
        if let message = vector.message {
            let actual = try Self.json(message.type, payload)
            #expect(Self.contains(actual, message.json), "\(vector.name): \(actual) holds \(message.json)")
        }
    }

    @Test(arguments: Self.vectors.invalid_frames)
    func invalidFramesAreRefused(vector: Vectors.InvalidFrame) throws {
        var buffer = ByteBuffer(bytes: ConnectionPreface.bytes + Self.bytes(vector.hex))
        var decoder = FrameDecoder(maxFrameSize: vector.max_frame_size, maxMessageSize: vector.max_frame_size)
        _ = try decoder.decode(buffer: &buffer)
        switch vector.error.kind {
        case "incomplete":
            #expect(try decoder.decode(buffer: &buffer) == nil)
        default:
            do {
                let event = try decoder.decode(buffer: &buffer)
                // Content errors (a CREDIT of 0) are the connection's to find: the sessions
                // check those against the server.
                guard case .frame(let frame) = event, frame.type == .credit else {
                    Issue.record("\(vector.name): accepted")
                    return
                }
            } catch let violation as ProtocolViolation {
                #expect(violation.code.name == vector.error.status)
            }
        }
    }

    @Test(arguments: Self.vectors.sessions)
    func sessionsWithTheServer(session: Vectors.Session) async throws {
        let router = TestMethods.router(probe: Probe(), store: InMemoryRecordStore())
        try await withTestServer(router: router) { port in
            let connection =
                session.handshake == false
                ? try await RawConnection.connect(port: port)
                : try await RawConnection.handshaken(port: port, initialCredit: 32)
            defer { Task { await connection.close() } }
            for hex in session.client_hex {
                // A server that ends the connection (a connection error, a wrong preface) may be
                // gone before the rest is sent.
                let ends = session.expect.close == true || session.expect.goaway != nil
                do { try await connection.send(Self.bytes(hex)) } catch  where ends { break }
            }
            let expect = session.expect
            if let code = expect.goaway {
                let frame = try await connection.waitForFrame("GOAWAY") { $0.type == .goAway }
                let goAway = try GoAway(decoding: Array(frame.payload.readableBytesView))
                #expect(goAway.code?.name == code, "\(session.name)")
                try await connection.waitForClose()
            } else if expect.close == true {
                try await connection.waitForClose()
                #expect(!connection.frames().contains { [.status, .message, .cancel].contains($0.type) })
            } else if let status = expect.stream_status {
                let frame = try await connection.waitForFrame("STATUS or CANCEL") {
                    ($0.type == .status || $0.type == .cancel) && $0.streamID == status.stream_id
                }
                #expect(frame.type.description == (status.frame ?? "STATUS"), "\(session.name)")
                let decoded = try Status(decoding: Array(frame.payload.readableBytesView))
                #expect(decoded.code.name == status.code, "\(session.name)")
            } else if let pong = expect.pong {
                let frame = try await connection.waitForFrame("PING ACK") {
                    $0.type == .ping && $0.flags.contains(.ack)
                }
                #expect(Array(frame.payload.readableBytesView) == Self.bytes(pong), "\(session.name)")
                #expect(!connection.frames().contains { $0.type == .goAway })
            } else {
                Issue.record("\(session.name): no expectation this test knows")
            }
        }
    }
}

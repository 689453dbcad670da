import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeTestSupport
import Foundation
import NIOCore

// A seeded mutation fuzzer for what the server decodes from peers: the frame decoder (with the
// server's connection state machine behind it) and every request message of every method.
// Inputs are random bytes, random protobuf wire (structure-aware), and mutations of valid
// encodings. A crash, a hang or a broken invariant ends the run with a non-zero status.
//
//   swift build -c release --product WireFuzz
//   .build/release/WireFuzz --seconds 600 --seed 1
//
// Invariants: decoding never crashes and fails only with its typed error; a message that
// decodes re-encodes and decodes to itself (or, for a packed input whose unpacked re-encoding is
// over the allocation budget, is refused with `allocationBudgetExceeded`: counted, see
// docs/schema.md); no decoded string holds a NUL byte (re-encoding would refuse it).

/// What became of one input decoded as one method's request.
enum Outcome {
    /// Not a valid request: refused with the codec's typed error.
    case undecodable
    /// Decoded, re-encoded and decoded again to the same request.
    case roundTripped
    /// Decoded, but its re-encoding (proto2 repeated fields unpacked, one occurrence each) needs
    /// more than the allocation budget: protobuf-c's per-occurrence scan records (docs/schema.md).
    case reencodingOverBudget
    /// Broken invariant: the re-encoded request decodes to another one.
    case differs
}

/// Decodes a method's request, type-erased.
protocol RequestDecoding {
    var fullName: String { get }
    func roundTrip(_ bytes: [UInt8]) throws(ProtoCodecError) -> Outcome
    /// Registers the method with a handler that answers an empty response.
    func register(in router: inout RPCRouter)
}

extension MethodDescriptor: RequestDecoding {
    func register(in router: inout RPCRouter) {
        switch self.kind {
        case .unary: router.unary(self, access: .readIntegration) { _, _ in Response() }
        case .serverStreaming: router.serverStreaming(self, access: .readIntegration) { _, _, _ in }
        }
    }

    func roundTrip(_ bytes: [UInt8]) throws(ProtoCodecError) -> Outcome {
        guard let request = try? Request(decoding: bytes) else { return .undecodable }
        let encoded = try request.encode()
        do {
            return try Request(decoding: encoded) == request ? .roundTripped : .differs
        } catch  where error.code == .allocationBudgetExceeded {
            return .reencodingOverBudget
        }
    }
}

/// Random protobuf wire: fields of every wire type, nested length-delimited groups.
struct WireGenerator {
    static func message(_ random: inout SeededGenerator, depth: Int = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 0...8, using: &random) {
            let field = UInt64.random(in: 1...40, using: &random)
            let type = UInt64([0, 0, 1, 2, 2, 2, 5, 3, 4].randomElement(using: &random)!)
            bytes += varint(field << 3 | type)
            switch type {
            case 0:
                bytes += varint(
                    UInt64.random(in: 0...UInt64.max, using: &random) >> UInt64.random(in: 0...63, using: &random)
                )
            case 1: bytes += (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 5: bytes += (0..<4).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 2:
                let payload: [UInt8]
                if depth < 4, Bool.random(using: &random) {
                    payload = message(&random, depth: depth + 1)
                } else {
                    let text = ["", "a", "x@example.sk", "\u{0}", "é", "remote:12", String(repeating: "z", count: 300)]
                    payload = Array(text.randomElement(using: &random)!.utf8)
                }
                bytes += varint(UInt64(payload.count)) + payload
            default:
                break
            }
        }
        return bytes
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }
}

/// Valid frames to start mutating from.
func frameSeeds() throws -> [[UInt8]] {
    func frame(_ type: FrameType, _ flags: FrameFlags = [], _ stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeFrame(type: type, flags: flags, streamID: stream, payload: payload)
        return Array(buffer.readableBytesView)
    }
    let open = try CallOpen(
        method: AtsReadService.listCandidates.fullName,
        timeoutMs: 5000,
        apiKey: "key-0123456789abcdef",
        integrationID: "int-1",
        metadata: [MetadataEntry(key: "k", value: "v")]
    ).encode()
    let request = try ListCandidatesRequest(email: "a@example.sk", jobIDs: ["j1", "j2"]).encode()
    var credit = ByteBuffer()
    credit.writeCreditFrame(streamID: 1, count: 8)
    let handshake = ConnectionPreface.bytes + frame(.settings, [], 0, try Settings(initialCredit: 4).encode())
    return [
        handshake + frame(.callOpen, [], 1, open) + frame(.message, .endStream, 1, request)
            + Array(credit.readableBytesView) + frame(.ping, [], 0, [1, 2, 3, 4, 5, 6, 7, 8])
            + frame(.cancel, [], 1, []) + frame(.goAway, [], 0, try GoAway(lastStreamID: 0, code: .ok).encode()),
        handshake + frame(.callOpen, [], 3, open) + frame(UInt8(0x42).frameType, [], 3, [1, 2]),
    ]
}

extension UInt8 {
    var frameType: FrameType { FrameType(rawValue: self) }
}

/// Feeds `bytes` in random chunks to a server's decoder and state machine.
func fuzzFrames(_ bytes: [UInt8], _ random: inout SeededGenerator, methods: [String: RegisteredMethod]) {
    var limits = ConnectionLimits()
    limits.maxMessageSize = 1 << 16
    limits.maxFrameSize = (1 << 16) + 64
    let admission = RequestAdmission(budget: RequestMemoryBudget(capacity: 1 << 18))
    var decoder = FrameDecoder(
        maxFrameSize: limits.maxFrameSize,
        maxMessageSize: limits.maxMessageSize,
        admission: admission
    )
    var machine = ServerConnectionStateMachine(limits: limits, methods: methods)
    _ = machine.start()
    var buffer = ByteBuffer()
    var offset = 0
    while offset < bytes.count {
        let chunk = min(bytes.count - offset, Int.random(in: 1...64, using: &random))
        buffer.writeBytes(bytes[offset..<offset + chunk])
        offset += chunk
        do {
            while let event = try decoder.decode(buffer: &buffer) {
                switch event {
                case .preface: machine.receivedPreface()
                case .oversizedMessage(let id, let length):
                    _ = machine.receivedOversizedMessage(streamID: id, length: length)
                case .refusedMessage(let id, let length):
                    _ = machine.receivedRefusedMessage(streamID: id, length: length)
                case .frame(let frame):
                    if frame.type == .message { admission.budget.release(admission.take()) }
                    _ = machine.receivedFrame(frame)
                }
            }
        } catch is ProtocolViolation {
            return
        } catch {
            fail("the frame decoder threw \(type(of: error)), not a ProtocolViolation")
        }
    }
}

/// Writes a failing input to `WireFuzz-failure.bin` in the working folder, to reproduce it.
func keep(_ input: [UInt8]) {
    _ = FileManager.default.createFile(atPath: "WireFuzz-failure.bin", contents: Data(input))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("WireFuzz: \(message)\n".utf8))
    exit(1)
}

// MARK: Run

var seconds = 60.0
var seed: UInt64 = 1
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--seconds": seconds = Double(arguments.next() ?? "") ?? seconds
    case "--seed": seed = UInt64(arguments.next() ?? "") ?? seed
    default: fail("usage: WireFuzz [--seconds N] [--seed S]")
    }
}

let services: [[any MethodDescribing]] = [
    AdminService.methods, ChangesService.methods, AtsReadService.methods, HealthService.methods,
    AtsWriteService.methods,
]
let decoders = services.joined().compactMap { $0 as? any RequestDecoding }
var router = RPCRouter()
for decoder in decoders { decoder.register(in: &router) }
let methods = router.methods
let seeds = try frameSeeds()
let requestSeeds: [[UInt8]] = [
    try ListCandidatesRequest(email: "a@example.sk", jobIDs: ["j1"]).encode(),
    try CreateApplicationRequest(
        jobID: "remote:1",
        candidate: CandidateInput(firstName: "A", lastName: "B", emailAddress: "a@b.sk", location: Location(city: "K")),
        attachments: [
            AttachmentInput(name: "cv.pdf", type: .cv, contentType: "application/pdf", content: .data([1, 2]))
        ]
    ).encode(),
    try GetRequest(id: "abc").encode(),
]

var random = SeededGenerator(seed: seed)
let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
var frameInputs = 0
var requestInputs = 0
var decoded = 0
var overBudget = 0
while ContinuousClock.now < deadline {
    for _ in 0..<200 {
        // Frames: random bytes after a valid handshake, or a mutated valid sequence.
        let frames: [UInt8] =
            Bool.random(using: &random)
            ? WireMutator.mutate(seeds.randomElement(using: &random)!, &random)
            : seeds[0].prefix(8 + 12)
                + (0..<Int.random(in: 0...96, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
        fuzzFrames(frames, &random, methods: methods)
        frameInputs += 1

        // A request of every method, from random wire or a mutated valid request.
        let input =
            Bool.random(using: &random)
            ? WireGenerator.message(&random)
            : WireMutator.mutate(requestSeeds.randomElement(using: &random)!, &random)
        for decoder in decoders {
            do {
                switch try decoder.roundTrip(input) {
                case .undecodable: break
                case .roundTripped: decoded += 1
                case .reencodingOverBudget:
                    if overBudget == 0 {
                        _ = FileManager.default.createFile(atPath: "WireFuzz-over-budget.bin", contents: Data(input))
                    }
                    overBudget += 1
                case .differs:
                    keep(input)
                    fail("\(decoder.fullName): a decoded request does not survive re-encoding")
                }
            } catch {
                keep(input)
                fail("\(decoder.fullName): a decoded request does not re-encode: \(error)")
            }
            requestInputs += 1
        }
    }
}
print(
    "WireFuzz: seed \(seed), \(Int(seconds)) s: \(frameInputs) frame sequences, \(requestInputs) request decodes (\(decoded) decoded and round-tripped, \(overBudget) whose unpacked re-encoding exceeds the allocation budget), no crash, no broken invariant"
)

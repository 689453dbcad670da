import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeTestSupport
import Testing

/// Throws random and mutated bytes at the decoders: none may crash, every failure is typed,
/// and every success re-encodes.
@Suite struct FuzzPropertyTests {
    private static let inputs = 100_000

    private func mutate(_ seed: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 1 where !bytes.isEmpty:
                bytes.removeLast(Int.random(in: 1...min(8, bytes.count), using: &random))
            case 2:
                let at = Int.random(in: 0...bytes.count, using: &random)
                bytes.insert(
                    contentsOf: (0..<Int.random(in: 1...6, using: &random)).map { _ in
                        UInt8.random(in: 0...255, using: &random)
                    },
                    at: at
                )
            case 3 where bytes.count > 4:
                let start = Int.random(in: 0..<bytes.count - 2, using: &random)
                bytes.append(contentsOf: bytes[start..<min(bytes.count, start + 16)])
            default:
                if !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= 0x80 }
            }
        }
        return bytes
    }

    private func exercise<M: ProtoMessage>(_ type: M.Type, _ bytes: [UInt8]) -> Bool {
        do {
            let value = try M(decoding: bytes)
            _ = try value.encode()
            return true
        } catch {
            return false
        }
    }

    @Test func randomAndMutatedInputsNeverCrash() throws {
        var random = SeededGenerator(seed: 0xA75B_2026)
        let seeds = [
            try SampleRecords.candidate().encode(),
            try SampleRecords.job().encode(),
            try CandidatePage(items: [SampleRecords.candidate(), SampleRecords.candidate(index: 1)], nextCursor: "n")
                .encode(),
            try AttachmentInput(name: "a", type: .cv, contentType: "x", content: .data([1, 2])).encode(),
        ]
        var decoded = 0
        var rejected = 0
        for round in 0..<Self.inputs {
            let bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...96, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            } else {
                bytes = self.mutate(seeds[round % seeds.count], &random)
            }
            let ok: Bool
            switch round % 4 {
            case 0: ok = self.exercise(Candidate.self, bytes)
            case 1: ok = self.exercise(Job.self, bytes)
            case 2: ok = self.exercise(CandidatePage.self, bytes)
            default: ok = self.exercise(AttachmentInput.self, bytes)
            }
            if ok { decoded += 1 } else { rejected += 1 }
        }
        #expect(decoded + rejected == Self.inputs)
        // Both outcomes must occur, or the generator is not exercising the decoder.
        #expect(decoded > 1_000)
        #expect(rejected > 1_000)
    }
}

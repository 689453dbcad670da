import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeTestSupport
import Testing

/// Throws random and mutated bytes at the decoders: none may crash, every failure is typed,
/// and every success re-encodes.
@Suite struct FuzzPropertyTests {
    private static let inputs = 100_000

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
                bytes = WireMutator.mutate(seeds[round % seeds.count], &random)
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

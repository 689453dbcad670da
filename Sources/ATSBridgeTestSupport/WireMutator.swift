/// Random damage to wire bytes for fuzz tests: overwritten, truncated, inserted and repeated
/// bytes, and flipped continuation bits.
public enum WireMutator {
    /// `seed` with one to four random mutations.
    public static func mutate(_ seed: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
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
}

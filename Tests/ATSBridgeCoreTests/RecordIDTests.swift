import Testing

@testable import ATSBridgeCore

/// Ids are a contract: the base-58 digits of a digest's first 17 bytes never change, however
/// they are computed.
@Suite struct RecordIDTests {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// The definition, digit by digit: the 17 bytes as one big-endian number, divided by 58
    /// byte by byte (schoolbook long division), 24 times.
    private static func reference(_ digest: [UInt8]) -> String {
        var number = Array(digest.prefix(17))
        var digits: [UInt8] = []
        for _ in 0..<24 {
            var remainder = 0
            for index in number.indices {
                let value = remainder * 256 + Int(number[index])
                number[index] = UInt8(value / 58)
                remainder = value % 58
            }
            digits.append(self.alphabet[remainder])
        }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    @Test func theChunkedEncodingEqualsTheDigitByDigitDefinition() {
        var generator = SystemRandomNumberGenerator()
        var digests: [[UInt8]] = [
            [UInt8](repeating: 0, count: 32), [UInt8](repeating: 0xFF, count: 32),
            [0xFF] + [UInt8](repeating: 0, count: 31),
            [UInt8](repeating: 0, count: 16) + [1] + [UInt8](repeating: 0, count: 15),
        ]
        for _ in 0..<5_000 { digests.append((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        for digest in digests {
            let encoded = digest.withUnsafeBytes { RecordID.encode($0) }
            #expect(encoded == Self.reference(digest), "\(digest)")
        }
        #expect(Self.reference([UInt8](repeating: 0, count: 32)) == String(repeating: "1", count: 24))
    }
}

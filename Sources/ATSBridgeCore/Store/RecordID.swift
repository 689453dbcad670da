public import ATSBridgeProto
import Crypto

/// Derives ATSBridge ids: 24 base58 characters from SHA-256 of (integration, model, remote id),
/// so re-syncs and re-installs reproduce the same ids and two models never share one.
public enum RecordID {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// The length of every id.
    public static let length = 24

    /// The id of a record.
    public static func make(integrationID: String, model: Model, remoteID: String) -> String {
        // A sync derives several ids per record (its own and each reference): one buffer and
        // no intermediate arrays.
        var input: [UInt8] = []
        input.reserveCapacity(integrationID.utf8.count + remoteID.utf8.count + 13)
        input.append(contentsOf: integrationID.utf8)
        input.append(0)
        input.append(contentsOf: String(model.rawValue).utf8)
        input.append(0)
        input.append(contentsOf: remoteID.utf8)
        return SHA256.hash(data: input).withUnsafeBytes { self.encode($0) }
    }

    /// A random id in the same alphabet, for records ATSBridge creates (integrations, runs).
    public static func random() -> String {
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255) }
        return bytes.withUnsafeBytes { self.encode($0) }
    }

    /// Base58 of the first 17 bytes (136 bits), as exactly 24 digits.
    ///
    /// The number is held in three 64-bit limbs (8 + 64 + 64 bits) and split into chunks of ten
    /// digits (58¹⁰ < 2⁶⁴) with three 128-by-64-bit divisions, a library call each; the digits
    /// of each chunk then come from 64-bit divisions by a constant, which compile to multiplies.
    /// A sync derives several ids per record, and one 128-bit division per digit was a tenth of
    /// its mapping.
    static func encode(_ digest: UnsafeRawBufferPointer) -> String {
        var limbs: (UInt64, UInt64, UInt64) = (UInt64(digest[0]), 0, 0)
        for index in 1..<9 { limbs.1 = limbs.1 << 8 | UInt64(digest[index]) }
        for index in 9..<17 { limbs.2 = limbs.2 << 8 | UInt64(digest[index]) }
        let chunk: UInt64 = 430_804_206_899_405_824  // 58^10
        // The top limb (< 2⁸) and each remainder are below `chunk`, as the division needs.
        let (upper, upperRest) = chunk.dividingFullWidth((limbs.0, limbs.1))
        let (lower, lowDigits) = chunk.dividingFullWidth((upperRest, limbs.2))
        // What is left, (upper, lower), is below 2¹³⁶ / 58¹⁰ < 2⁷⁸, and `upper` below `chunk`.
        let (highDigits, middleDigits) = chunk.dividingFullWidth((upper, lower))
        return String(unsafeUninitializedCapacity: self.length) { digits in
            self.write(lowDigits, digits: 10, endingAt: 23, into: digits)
            self.write(middleDigits, digits: 10, endingAt: 13, into: digits)
            // 2¹³⁶ / 58²⁰ < 58⁴: the last chunk has four digits.
            self.write(highDigits, digits: 4, endingAt: 3, into: digits)
            return self.length
        }
    }

    /// Writes the `count` lowest base-58 digits of `value`, the last at `end`.
    @inline(__always)
    private static func write(
        _ value: UInt64,
        digits count: Int,
        endingAt end: Int,
        into digits: UnsafeMutableBufferPointer<UInt8>
    ) {
        var value = value
        for position in stride(from: end, to: end - count, by: -1) {
            digits[position] = self.alphabet[Int(value % 58)]
            value /= 58
        }
    }
}

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
    /// The number is held in three 64-bit limbs (8 + 64 + 64 bits), so each of the 24 digits
    /// costs three divisions instead of seventeen.
    private static func encode(_ digest: UnsafeRawBufferPointer) -> String {
        var limbs: (UInt64, UInt64, UInt64) = (UInt64(digest[0]), 0, 0)
        for index in 1..<9 { limbs.1 = limbs.1 << 8 | UInt64(digest[index]) }
        for index in 9..<17 { limbs.2 = limbs.2 << 8 | UInt64(digest[index]) }
        return String(unsafeUninitializedCapacity: self.length) { digits in
            for position in stride(from: self.length - 1, through: 0, by: -1) {
                let (q0, r0) = limbs.0.quotientAndRemainder(dividingBy: 58)
                let (q1, r1) = UInt64(58).dividingFullWidth((r0, limbs.1))
                let (q2, r2) = UInt64(58).dividingFullWidth((r1, limbs.2))
                limbs = (q0, q1, q2)
                digits[position] = self.alphabet[Int(r2)]
            }
            return self.length
        }
    }
}

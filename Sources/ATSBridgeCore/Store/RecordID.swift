public import ATSBridgeProto
public import Crypto
private import Foundation

/// Derives ATSBridge ids: 24 base58 characters from SHA-256 of (integration, model, remote id),
/// so re-syncs and re-installs reproduce the same ids and two models never share one.
public enum RecordID {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// The length of every id.
    public static let length = 24

    /// The id of a record.
    public static func make(integrationID: String, model: Model, remoteID: String) -> String {
        var input = Data()
        input.append(contentsOf: Array(integrationID.utf8))
        input.append(0)
        input.append(contentsOf: Array(String(model.rawValue).utf8))
        input.append(0)
        input.append(contentsOf: Array(remoteID.utf8))
        return self.encode(Array(SHA256.hash(data: input)))
    }

    /// A random id in the same alphabet, for records ATSBridge creates (integrations, runs).
    public static func random() -> String {
        self.encode((0..<32).map { _ in UInt8.random(in: 0...255) })
    }

    /// Base58 of the first 17 bytes (136 bits), as exactly 24 digits.
    private static func encode(_ digest: [UInt8]) -> String {
        var number = Array(digest.prefix(17))
        var digits: [UInt8] = []
        for _ in 0..<self.length {
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
}

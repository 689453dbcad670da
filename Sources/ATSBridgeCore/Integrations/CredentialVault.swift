import Crypto
import Foundation

/// Seals and opens RECRU passwords with AES-256-GCM under the server's credential key.
///
/// The sealed bytes are bound to the integration id (as authenticated data), so a blob copied
/// to another integration does not open. The key itself is never stored with the data.
public struct CredentialVault: Sendable {
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: self.keyBytes) }

    /// Creates a vault from a 32-byte key.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` when the key is not 32 bytes.
    public init(key: [UInt8]) throws {
        guard key.count == 32 else {
            throw ATSBridgeError(.inputInvalid, "the credential key must be 32 bytes, not \(key.count)")
        }
        self.keyBytes = key
    }

    /// Creates a vault from the key's text form: 64 hex digits or base64 of 32 bytes.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` naming the expected format.
    public init(encodedKey: String) throws {
        let text = encodedKey.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count == 64, let bytes = Self.hex(text) {
            try self.init(key: bytes)
        } else if let data = Data(base64Encoded: text), data.count == 32 {
            try self.init(key: [UInt8](data))
        } else {
            throw ATSBridgeError(
                .inputInvalid,
                "the credential key must be 64 hex digits or base64 of 32 bytes (see docs/configuration.md)"
            )
        }
    }

    /// A new random key in hex, for first start-ups and tests.
    public static func generateKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { bytes in bytes.map { Self.hexDigits($0) }.joined() }
    }

    /// Seals a password for `integrationID`.
    public func seal(password: String, integrationID: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(
            Array(password.utf8),
            using: self.key,
            authenticating: Array(integrationID.utf8)
        )
        guard let combined = box.combined else {
            throw ATSBridgeError(.internalError, "AES-GCM produced no combined form")
        }
        return [UInt8](combined)
    }

    /// Opens the password sealed for `integrationID`.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.CREDENTIAL_KEY_INVALID` when the key does not
    ///   open the blob (another key, or the blob was damaged or moved).
    public func open(_ sealed: [UInt8], integrationID: String) throws -> String {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let plain = try AES.GCM.open(box, using: self.key, authenticating: Array(integrationID.utf8))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw ATSBridgeError(
                .credentialKeyInvalid,
                "the stored credentials of integration \(integrationID) do not open with the configured credential key",
                cause: error
            )
        }
    }

    private static func hex(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = Self.nibble(high), let l = Self.nibble(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func hexDigits(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}

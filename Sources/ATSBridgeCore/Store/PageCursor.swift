public import Crypto
private import Foundation

/// The opaque, tamper-evident keyset cursor of a page: the last id returned and a fingerprint
/// of the query's filters, signed with HMAC-SHA256 under the store's secret.
///
/// A forged, corrupted, or reused-with-other-filters cursor fails to verify, and the read
/// fails with INVALID_ARGUMENT instead of returning a wrong page.
public struct PageCursor: Sendable, Hashable {
    /// The id of the last record of the previous page.
    public var lastID: String
    /// A hash of the query's filters (everything but the cursor and page size).
    public var fingerprint: UInt64

    /// Creates a cursor.
    public init(lastID: String, fingerprint: UInt64) {
        self.lastID = lastID
        self.fingerprint = fingerprint
    }

    private static let version: UInt8 = 1
    private static let tagLength = 16

    /// The cursor as a URL-safe string.
    public func encode(secret: SymmetricKey) -> String {
        var payload: [UInt8] = [Self.version]
        withUnsafeBytes(of: self.fingerprint.bigEndian) { payload += $0 }
        payload += Array(self.lastID.utf8)
        let tag = Array(HMAC<SHA256>.authenticationCode(for: payload, using: secret)).prefix(Self.tagLength)
        return Data(payload + tag).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Verifies and decodes a cursor.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` when the cursor is not one this
    ///   store issued for the same filters.
    public init(decoding text: String, secret: SymmetricKey, expectedFingerprint: UInt64) throws {
        let invalid = ATSBridgeError(
            .inputInvalid,
            "invalid cursor: send a next_cursor from a page with the same filters"
        )
        guard text.utf8.count <= 512 else { throw invalid }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), data.count > 1 + 8 + Self.tagLength else { throw invalid }
        let bytes = Array(data)
        let payload = Array(bytes.dropLast(Self.tagLength))
        let tag = Array(bytes.suffix(Self.tagLength))
        let expected = Array(HMAC<SHA256>.authenticationCode(for: payload, using: secret)).prefix(Self.tagLength)
        // Constant-time comparison.
        guard payload.first == Self.version, zip(tag, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw invalid
        }
        let fingerprint = payload[1..<9].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard fingerprint == expectedFingerprint, let lastID = String(validating: payload[9...], as: UTF8.self) else {
            throw invalid
        }
        self.init(lastID: lastID, fingerprint: fingerprint)
    }
}

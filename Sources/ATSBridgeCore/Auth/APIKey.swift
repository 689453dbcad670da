import Crypto
private import Foundation

/// An API key. Only the SHA-256 of its secret is kept, never the secret itself.
public struct APIKey: Sendable, Hashable {
    /// Where a key comes from.
    public enum Origin: Int, Sendable, Hashable {
        /// The configuration (`api_keys`): installed at every start, removed when it leaves it.
        case config = 1
        /// Created through the admin service; lives until revoked.
        case managed = 2
    }

    /// A name for logs and audit, such as `jobboard-prod`.
    public var name: String
    /// Lower-case hex SHA-256 of the key.
    public var sha256: String
    /// What the key may do.
    public var access: AccessLevel
    /// The integrations the key is limited to; `nil` means all.
    public var integrations: Set<String>?
    /// Where the key comes from.
    public var origin: Origin
    /// When the key was first stored, in ms since the epoch; `nil` before it is stored.
    public var createdAt: Int64?
    /// When the key last authenticated a call, to within ``APIKey/lastUseResolution``.
    public var lastUsedAt: Int64?

    /// How stale a key's last-used time may be: a call records its use only when the stored time
    /// is older, so a busy key costs one store write a minute, not one a call.
    public static let lastUseResolution: Int64 = 60_000

    /// Creates a key from its hash.
    public init(
        name: String,
        sha256: String,
        access: AccessLevel,
        integrations: Set<String>? = nil,
        origin: Origin = .config,
        createdAt: Int64? = nil,
        lastUsedAt: Int64? = nil
    ) {
        self.name = name
        self.sha256 = sha256.lowercased()
        self.access = access
        self.integrations = integrations
        self.origin = origin
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    /// Creates a key from its plain text, keeping only the hash.
    public init(
        name: String,
        plaintext: String,
        access: AccessLevel,
        integrations: Set<String>? = nil,
        origin: Origin = .config
    ) {
        self.init(name: name, sha256: Self.hash(plaintext), access: access, integrations: integrations, origin: origin)
    }

    /// Lower-case hex SHA-256 of a key.
    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A new secret: `atsb_` and 64 hex digits (256 random bits).
    public static func generateSecret() -> String {
        "atsb_" + CredentialVault.generateKey()
    }

    /// Checks a key name: 1 to 64 letters, digits, `.`, `_` or `-`.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID`.
    public static func validate(name: String) throws(ATSBridgeError) {
        let allowed = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard (1...64).contains(name.utf8.count), allowed else {
            throw ATSBridgeError(.inputInvalid, "a key name is 1 to 64 letters, digits, '.', '_' or '-'")
        }
    }
}

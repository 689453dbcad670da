import Crypto
private import Foundation

/// A configured API key. Only the SHA-256 of the key is kept, never the key itself.
public struct APIKey: Sendable, Hashable {
    /// A name for logs and audit, such as `jobboard-prod`.
    public var name: String
    /// Lower-case hex SHA-256 of the key.
    public var sha256: String
    /// What the key may do.
    public var access: AccessLevel
    /// The integrations the key is limited to; `nil` means all.
    public var integrations: Set<String>?

    /// Creates a key from its hash.
    public init(name: String, sha256: String, access: AccessLevel, integrations: Set<String>? = nil) {
        self.name = name
        self.sha256 = sha256.lowercased()
        self.access = access
        self.integrations = integrations
    }

    /// Creates a key from its plain text, keeping only the hash.
    public init(name: String, plaintext: String, access: AccessLevel, integrations: Set<String>? = nil) {
        self.init(name: name, sha256: Self.hash(plaintext), access: access, integrations: integrations)
    }

    /// Lower-case hex SHA-256 of a key.
    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

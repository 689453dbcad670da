public import ATSBridgeCore
import ATSBridgeStoreRules
import Foundation
import GRDB

/// API keys: hashes only, with their origin and times (docs/security.md, "API keys").
extension SQLiteStore {
    private static let keyColumns = "name, sha256, access, integrations, origin, created_at, last_used_at"

    /// Creates or replaces an API key by name; only its hash is stored.
    public func saveAPIKey(_ key: APIKey) async throws {
        try await self.write { db in try Self.upsert(key, db) }
    }

    /// Stores a new key unless its name is taken; see ``APIKeyStore``.
    public func insertAPIKey(_ key: APIKey) async throws -> Bool {
        try await self.write { db in
            guard try Self.key(db, where: "name = ?", key.name) == nil else { return false }
            try Self.upsert(key, db)
            return true
        }
    }

    /// Every stored API key, by name.
    public func apiKeys() async throws -> [APIKey] {
        try await self.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.keyColumns) FROM api_keys ORDER BY name").map(Self.key(from:))
        }
    }

    /// The key with this hash; see ``APIKeyStore``.
    public func apiKey(sha256: String) async throws -> APIKey? {
        try await self.read { db in try Self.key(db, where: "sha256 = ?", sha256.lowercased()) }
    }

    /// Deletes a key by name; see ``APIKeyStore``.
    public func revokeAPIKey(name: String) async throws -> APIKey? {
        try await self.write { db in
            guard let key = try Self.key(db, where: "name = ?", name) else { return nil }
            try db.execute(sql: "DELETE FROM api_keys WHERE name = ?", arguments: [name])
            return key
        }
    }

    /// Sets a key's last-used time; see ``APIKeyStore``.
    public func recordAPIKeyUse(name: String, at now: Int64) async throws {
        try await self.write { db in
            try db.execute(
                sql:
                    "UPDATE api_keys SET last_used_at = ? WHERE name = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                arguments: [now, name, now]
            )
        }
    }

    /// Installs the configuration's keys in one transaction; see ``APIKeyStore``.
    @discardableResult
    public func installConfiguredAPIKeys(_ keys: [APIKey], at now: Int64) async throws -> [String] {
        try await self.write { db in
            var names = Set<String>()
            for configured in keys {
                names.insert(configured.name)
                let key = try ConfiguredKeyRule.installed(
                    configured,
                    existing: try Self.key(db, where: "name = ?", configured.name),
                    holder: try Self.key(db, where: "sha256 = ?", configured.sha256),
                    configured: names,
                    at: now
                )
                // A config key that took another's secret replaces it (that one left the config).
                try db.execute(
                    sql: "DELETE FROM api_keys WHERE sha256 = ? AND name <> ?",
                    arguments: [key.sha256, key.name]
                )
                try Self.upsert(key, db)
            }
            let stale = try String.fetchAll(
                db,
                sql: "SELECT name FROM api_keys WHERE origin = ?",
                arguments: [APIKey.Origin.config.rawValue]
            )
            .filter { !names.contains($0) }
            for name in stale {
                try db.execute(sql: "DELETE FROM api_keys WHERE name = ?", arguments: [name])
            }
            return stale
        }
    }

    private static func upsert(_ key: APIKey, _ db: Database) throws {
        let integrations = key.integrations.map { $0.sorted().joined(separator: "\n") }
        try db.execute(
            sql: """
                INSERT INTO api_keys (\(Self.keyColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, access = excluded.access,
                    integrations = excluded.integrations, origin = excluded.origin,
                    created_at = COALESCE(api_keys.created_at, excluded.created_at)
                """,
            arguments: [
                key.name, key.sha256, key.access.rawValue, integrations, key.origin.rawValue, key.createdAt,
                key.lastUsedAt,
            ]
        )
    }

    private static func key(_ db: Database, where condition: String, _ value: String) throws -> APIKey? {
        try Row.fetchOne(db, sql: "SELECT \(Self.keyColumns) FROM api_keys WHERE \(condition)", arguments: [value])
            .map(Self.key(from:))
    }

    private static func key(from row: Row) -> APIKey {
        let integrations: String? = row[3]
        return APIKey(
            name: row[0],
            sha256: row[1],
            access: AccessLevel(rawValue: row[2]) ?? .read,
            integrations: integrations.map { Set($0.split(separator: "\n").map(String.init)) },
            origin: APIKey.Origin(rawValue: row[4]) ?? .config,
            createdAt: row[5],
            lastUsedAt: row[6]
        )
    }
}

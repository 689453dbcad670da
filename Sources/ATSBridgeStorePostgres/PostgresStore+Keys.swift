public import ATSBridgeCore
import ATSBridgeStoreRules
import PostgresNIO

/// API keys: hashes only, with their origin and times (docs/security.md, "API keys").
extension PostgresStore {
    private static let keyColumns = "name, sha256, access, integrations, origin, created_at, last_used_at"

    /// Creates or replaces an API key by name; see ``APIKeyStore``.
    public func saveAPIKey(_ key: APIKey) async throws {
        try await self.withConnection { connection in try await Self.upsert(key, connection, self.logger) }
    }

    /// Stores a new key unless its name is taken; see ``APIKeyStore``.
    public func insertAPIKey(_ key: APIKey) async throws -> Bool {
        let integrations = Self.integrationsColumn(key)
        let access = Int64(key.access.rawValue)
        let origin = Int64(key.origin.rawValue)
        return try await self.rows(
            """
            INSERT INTO api_keys (name, sha256, access, integrations, origin, created_at, last_used_at)
            VALUES (\(key.name), \(key.sha256), \(access), \(integrations), \(origin), \(key.createdAt),
                \(key.lastUsedAt))
            ON CONFLICT (name) DO NOTHING RETURNING 1
            """
        ).count > 0
    }

    /// Every stored API key, by name; see ``APIKeyStore``.
    public func apiKeys() async throws -> [APIKey] {
        try await self.rows(
            PostgresQuery(unsafeSQL: "SELECT \(Self.keyColumns) FROM api_keys ORDER BY name"),
            readOnly: true
        )
        .map(Self.key(from:))
    }

    /// The key with this hash; see ``APIKeyStore``.
    public func apiKey(sha256: String) async throws -> APIKey? {
        try await self.withConnection(readOnly: true) { connection in
            try await Self.key(connection, self.logger, where: "sha256", sha256.lowercased())
        }
    }

    /// Deletes a key by name; see ``APIKeyStore``.
    public func revokeAPIKey(name: String) async throws -> APIKey? {
        try await self.rows(
            PostgresQuery(
                unsafeSQL: "DELETE FROM api_keys WHERE name = $1 RETURNING \(Self.keyColumns)",
                binds: Self.bindings(name)
            )
        ).first.map(Self.key(from:))
    }

    /// Sets a key's last-used time; see ``APIKeyStore``.
    public func recordAPIKeyUse(name: String, at now: Int64) async throws {
        _ = try await self.rows(
            """
            UPDATE api_keys SET last_used_at = \(now)
            WHERE name = \(name) AND (last_used_at IS NULL OR last_used_at < \(now))
            """
        )
    }

    /// Installs the configuration's keys in one transaction; see ``APIKeyStore``.
    ///
    /// The table is locked for the transaction: two instances starting with one configuration
    /// install it one after the other, not interleaved.
    @discardableResult
    public func installConfiguredAPIKeys(_ keys: [APIKey], at now: Int64) async throws -> [String] {
        try await self.transaction { connection in
            try await connection.run("LOCK TABLE api_keys IN SHARE ROW EXCLUSIVE MODE", logger: self.logger)
            var names = Set<String>()
            for configured in keys {
                names.insert(configured.name)
                let key = try ConfiguredKeyRule.installed(
                    configured,
                    existing: try await Self.key(connection, self.logger, where: "name", configured.name),
                    holder: try await Self.key(connection, self.logger, where: "sha256", configured.sha256),
                    configured: names,
                    at: now
                )
                // A config key that took another's secret replaces it (that one left the config).
                try await connection.run(
                    "DELETE FROM api_keys WHERE sha256 = \(key.sha256) AND name <> \(key.name)",
                    logger: self.logger
                )
                try await Self.upsert(key, connection, self.logger)
            }
            let origin = Int64(APIKey.Origin.config.rawValue)
            let configured = try await connection.rows(
                "SELECT name FROM api_keys WHERE origin = \(origin)",
                logger: self.logger
            )
            let stale = try configured.map { try $0.decode(String.self) }.filter { !names.contains($0) }
            if !stale.isEmpty {
                try await connection.run("DELETE FROM api_keys WHERE name = ANY(\(stale))", logger: self.logger)
            }
            return stale
        }
    }

    private static func integrationsColumn(_ key: APIKey) -> String? {
        key.integrations.map { $0.sorted().joined(separator: "\n") }
    }

    private static func upsert(_ key: APIKey, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let integrations = Self.integrationsColumn(key)
        let access = Int64(key.access.rawValue)
        let origin = Int64(key.origin.rawValue)
        try await connection.run(
            """
            INSERT INTO api_keys (name, sha256, access, integrations, origin, created_at, last_used_at)
            VALUES (\(key.name), \(key.sha256), \(access), \(integrations), \(origin), \(key.createdAt),
                \(key.lastUsedAt))
            ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, access = excluded.access,
                integrations = excluded.integrations, origin = excluded.origin,
                created_at = COALESCE(api_keys.created_at, excluded.created_at)
            """,
            logger: logger
        )
    }

    /// The key whose `column` (a fixed column name) equals `value`.
    private static func key(
        _ connection: PostgresConnection,
        _ logger: Logger,
        where column: String,
        _ value: String
    ) async throws -> APIKey? {
        let query = PostgresQuery(
            unsafeSQL: "SELECT \(Self.keyColumns) FROM api_keys WHERE \(column) = $1",
            binds: Self.bindings(value)
        )
        return try await connection.rows(query, logger: logger).first.map(Self.key(from:))
    }

    private static func key(from row: PostgresRow) throws -> APIKey {
        let (name, sha256, access, integrations, origin, createdAt, lastUsedAt) = try row.decode(
            (String, String, Int64, String?, Int64, Int64?, Int64?).self
        )
        return APIKey(
            name: name,
            sha256: sha256,
            access: AccessLevel(rawValue: Int(access)) ?? .read,
            integrations: integrations.map { Set($0.split(separator: "\n").map(String.init)) },
            origin: APIKey.Origin(rawValue: Int(origin)) ?? .config,
            createdAt: createdAt,
            lastUsedAt: lastUsedAt
        )
    }

    /// Bindings of one text parameter.
    static func bindings(_ value: String) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(value)
        return bindings
    }
}

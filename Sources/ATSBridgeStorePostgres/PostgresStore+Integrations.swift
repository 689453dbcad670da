public import ATSBridgeCore
public import ATSBridgeProto
import NIOCore
import PostgresNIO

/// Integrations and their sealed credentials.
extension PostgresStore {
    /// Creates or replaces an integration; see ``Store``.
    public func saveIntegration(_ integration: StoredIntegration) async throws {
        let data = ByteBuffer(bytes: try integration.integration.encode())
        let credentials = ByteBuffer(bytes: integration.encryptedCredentials)
        let id = integration.integration.id
        _ = try await self.rows(
            """
            INSERT INTO integrations (id, data, credentials) VALUES (\(id), \(data), \(credentials))
            ON CONFLICT (id) DO UPDATE SET data = excluded.data, credentials = excluded.credentials
            """
        )
    }

    /// One integration by id; see ``Store``.
    public func integration(id: String) async throws -> StoredIntegration? {
        try await self.rows("SELECT data, credentials FROM integrations WHERE id = \(id)", readOnly: true).first.map(
            Self.integration(from:)
        )
    }

    /// Every integration, by id; see ``Store``.
    public func integrations() async throws -> [StoredIntegration] {
        try await self.rows("SELECT data, credentials FROM integrations ORDER BY id", readOnly: true).map(
            Self.integration(from:)
        )
    }

    private static func integration(from row: PostgresRow) throws -> StoredIntegration {
        let (data, credentials) = try row.decode((ByteBuffer, ByteBuffer).self)
        return StoredIntegration(
            integration: try Integration(decoding: Array(data.readableBytesView)),
            encryptedCredentials: Array(credentials.readableBytesView)
        )
    }

    /// Updates an integration in one transaction; see ``Store``.
    public func updateIntegration(id: String, _ update: @Sendable @escaping (inout Integration) -> Void) async throws
        -> Integration?
    {
        try await self.transaction { connection in
            try await Self.updateIntegration(connection, self.logger, id: id, credentials: nil, update)
        }
    }

    /// Replaces one integration's credentials and changes it in one transaction; see ``Store``.
    public func updateIntegration(
        id: String,
        credentials: [UInt8],
        _ update: @Sendable @escaping (inout Integration) -> Void
    ) async throws -> Integration? {
        try await self.transaction { connection in
            try await Self.updateIntegration(connection, self.logger, id: id, credentials: credentials, update)
        }
    }

    /// Reads (locking the row against concurrent updates on any instance), changes and writes
    /// back an integration inside the caller's transaction; `nil` when it does not exist.
    private static func updateIntegration(
        _ connection: PostgresConnection,
        _ logger: Logger,
        id: String,
        credentials: [UInt8]?,
        _ update: (inout Integration) -> Void
    ) async throws -> Integration? {
        let rows = try await connection.rows(
            "SELECT data FROM integrations WHERE id = \(id) FOR UPDATE",
            logger: logger
        )
        guard let row = rows.first else { return nil }
        var integration = try Integration(decoding: Array(try row.decode(ByteBuffer.self).readableBytesView))
        update(&integration)
        integration.id = id
        let encoded = ByteBuffer(bytes: try integration.encode())
        if let credentials {
            let sealed = ByteBuffer(bytes: credentials)
            try await connection.run(
                "UPDATE integrations SET data = \(encoded), credentials = \(sealed) WHERE id = \(id)",
                logger: logger
            )
        } else {
            try await connection.run("UPDATE integrations SET data = \(encoded) WHERE id = \(id)", logger: logger)
        }
        return integration
    }

    /// Re-seals every integration's credentials in one transaction; see ``Store``.
    public func resealCredentials(_ reseal: @Sendable @escaping (StoredIntegration) throws -> [UInt8]) async throws
        -> [String]
    {
        try await self.transaction { connection in
            let rows = try await connection.rows(
                "SELECT data, credentials FROM integrations ORDER BY id FOR UPDATE",
                logger: self.logger
            )
            var ids: [String] = []
            for row in rows {
                let stored = try Self.integration(from: row)
                let sealed = ByteBuffer(bytes: try reseal(stored))
                let id = stored.integration.id
                try await connection.run(
                    "UPDATE integrations SET credentials = \(sealed) WHERE id = \(id)",
                    logger: self.logger
                )
                ids.append(id)
            }
            return ids
        }
    }

    /// Deletes an integration and all its records, runs, keys and changes; see ``Store``.
    ///
    /// Its change counter stays, so that a watch resuming on its old sequence never sees a
    /// number twice should the id come back.
    public func deleteIntegration(id: String) async throws -> Int {
        // Under the integration's write lock: no upsert of it interleaves.
        try await self.writeTransaction(integrationID: id) { writer in
            let connection = writer.connection
            let removed =
                try await connection.rows(
                    "WITH gone AS (DELETE FROM records WHERE integration_id = \(id) RETURNING 1) SELECT count(*) FROM gone",
                    logger: self.logger
                ).first?.decode(Int64.self) ?? 0
            for table in [
                "candidate_emails", "changes", "sync_runs", "idempotency_keys", "sync_leases", "created_here",
                "source_hashes",
            ] {
                try await connection.run(
                    PostgresQuery(
                        unsafeSQL: "DELETE FROM \(table) WHERE integration_id = $1",
                        binds: Self.bindings(id)
                    ),
                    logger: self.logger
                )
            }
            try await connection.run("DELETE FROM integrations WHERE id = \(id)", logger: self.logger)
            return Int(removed)
        }
    }
}

public import ATSBridgeCore
import NIOCore
import PostgresNIO

/// Idempotency records of write commands, claimed atomically across instances.
extension PostgresStore {
    /// Claims a key, or returns the record that already holds it; see ``Store``.
    ///
    /// The insert either takes the key or, when another instance holds it (even uncommitted:
    /// PostgreSQL waits for that transaction), does nothing; the holder's record is read after.
    public func claimIdempotencyKey(_ record: IdempotencyRecord) async throws -> IdempotencyRecord? {
        let hash = ByteBuffer(bytes: record.requestHash)
        let response = record.response.map { ByteBuffer(bytes: $0) }
        return try await self.withConnection { connection in
            while true {
                let claimed = try await connection.run(
                    """
                    INSERT INTO idempotency_keys (integration_id, key, request_hash, response, created_at)
                    VALUES (\(record.integrationID), \(record.key), \(hash), \(response), \(record.createdAt))
                    ON CONFLICT (integration_id, key) DO NOTHING RETURNING 1
                    """,
                    logger: self.logger
                )
                if claimed > 0 { return nil }
                let rows = try await connection.rows(
                    """
                    SELECT request_hash, response, created_at FROM idempotency_keys
                    WHERE integration_id = \(record.integrationID) AND key = \(record.key)
                    """,
                    logger: self.logger
                )
                // Released between the two statements: claim again.
                guard let row = rows.first else { continue }
                let (hash, response, createdAt) = try row.decode((ByteBuffer, ByteBuffer?, Int64).self)
                return IdempotencyRecord(
                    integrationID: record.integrationID,
                    key: record.key,
                    requestHash: Array(hash.readableBytesView),
                    response: response.map { Array($0.readableBytesView) },
                    createdAt: createdAt
                )
            }
        }
    }

    /// Records the response of a claimed key, if its claim still holds it; see ``Store``.
    @discardableResult
    public func completeIdempotencyKey(integrationID: String, key: String, claimedAt: Int64, response: [UInt8])
        async throws -> Bool
    {
        let bytes = ByteBuffer(bytes: response)
        return try await self.rows(
            """
            UPDATE idempotency_keys SET response = \(bytes)
            WHERE integration_id = \(integrationID) AND key = \(key) AND created_at = \(claimedAt) RETURNING 1
            """
        ).count == 1
    }

    /// Renews a claim that still holds its key; see ``Store``.
    public func renewIdempotencyKey(integrationID: String, key: String, claimedAt: Int64, renewedAt: Int64)
        async throws -> Bool
    {
        try await self.rows(
            """
            UPDATE idempotency_keys SET created_at = \(renewedAt)
            WHERE integration_id = \(integrationID) AND key = \(key) AND created_at = \(claimedAt) RETURNING 1
            """
        ).count == 1
    }

    /// Takes over an uncertain or abandoned key, if it is still as read; see ``Store``.
    public func retakeIdempotencyKey(
        integrationID: String,
        key: String,
        response: [UInt8]?,
        createdAt: Int64,
        claimedAt: Int64
    ) async throws -> Bool {
        let expected = response.map { ByteBuffer(bytes: $0) }
        let taken = try await self.rows(
            """
            UPDATE idempotency_keys SET response = NULL, created_at = \(claimedAt)
            WHERE integration_id = \(integrationID) AND key = \(key)
            AND response IS NOT DISTINCT FROM \(expected) AND created_at = \(createdAt) RETURNING 1
            """
        )
        return taken.count == 1
    }

    /// Forgets one key; see ``Store``.
    public func releaseIdempotencyKey(integrationID: String, key: String, claimedAt: Int64) async throws {
        _ = try await self.rows(
            """
            DELETE FROM idempotency_keys
            WHERE integration_id = \(integrationID) AND key = \(key) AND created_at = \(claimedAt)
            """
        )
    }

    /// Forgets keys created before `cutoff`; see ``Store``.
    public func purgeIdempotencyKeys(createdBefore cutoff: Int64) async throws -> Int {
        try await self.rows("DELETE FROM idempotency_keys WHERE created_at < \(cutoff) RETURNING 1").count
    }
}

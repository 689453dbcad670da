public import ATSBridgeCore
public import ATSBridgeProto
import NIOCore
import PostgresNIO

/// Sync runs, sync leases and records created through ATSBridge.
extension PostgresStore {
    /// Creates or replaces a sync run; see ``Store``.
    public func saveSyncRun(_ run: SyncRun) async throws {
        let data = ByteBuffer(bytes: try run.encode())
        let integrationID = run.integrationID ?? ""
        let queuedAt = run.queuedAt ?? 0
        _ = try await self.rows(
            """
            INSERT INTO sync_runs (id, integration_id, queued_at, data)
            VALUES (\(run.id), \(integrationID), \(queuedAt), \(data))
            ON CONFLICT (id) DO UPDATE SET data = excluded.data
            """
        )
    }

    /// The latest runs of an integration, newest first; see ``Store``.
    public func syncRuns(integrationID: String, limit: Int) async throws -> [SyncRun] {
        try await self.syncRuns(integrationID: integrationID, after: nil, limit: limit)
    }

    /// A page of an integration's runs, newest first; see ``Store``.
    public func syncRuns(integrationID: String, after cursor: SyncRunCursor?, limit: Int) async throws -> [SyncRun] {
        let limit = max(1, min(limit, 1000))
        let rows: [PostgresRow]
        if let cursor {
            rows = try await self.rows(
                """
                SELECT data FROM sync_runs WHERE integration_id = \(integrationID)
                AND (queued_at, id) < (\(cursor.queuedAt), \(cursor.runID))
                ORDER BY queued_at DESC, id DESC LIMIT \(limit)
                """,
                readOnly: true
            )
        } else {
            rows = try await self.rows(
                """
                SELECT data FROM sync_runs WHERE integration_id = \(integrationID)
                ORDER BY queued_at DESC, id DESC LIMIT \(limit)
                """,
                readOnly: true
            )
        }
        return try rows.map { try SyncRun(decoding: Array(try $0.decode(ByteBuffer.self).readableBytesView)) }
    }

    /// Takes or renews a sync lease; see ``Store``. One statement: two instances racing for an
    /// expired lease cannot both win, as the row lock orders them and the loser's condition no
    /// longer holds.
    public func acquireSyncLease(integrationID: String, owner: String, until: Int64, at now: Int64) async throws
        -> Bool
    {
        try await self.rows(
            """
            INSERT INTO sync_leases (integration_id, owner, expires_at) VALUES (\(integrationID), \(owner), \(until))
            ON CONFLICT (integration_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE sync_leases.owner = excluded.owner OR sync_leases.expires_at <= \(now)
            RETURNING 1
            """
        ).count > 0
    }

    /// Gives up a lease; see ``Store``.
    public func releaseSyncLease(integrationID: String, owner: String) async throws {
        _ = try await self.rows(
            "DELETE FROM sync_leases WHERE integration_id = \(integrationID) AND owner = \(owner)"
        )
    }

    /// Remembers records created through ATSBridge; see ``Store``.
    public func markCreatedHere(integrationID: String, model: Model, remoteIDs: [String]) async throws {
        try await self.withConnection { connection in
            try await Self.markCreatedHere(connection, self.logger, integrationID, [model: remoteIDs])
        }
    }

    /// Created-here marks, on the caller's connection (inside its transaction, if any).
    static func markCreatedHere(
        _ connection: PostgresConnection,
        _ logger: Logger,
        _ integrationID: String,
        _ marks: [Model: [String]]
    ) async throws {
        for (model, remoteIDs) in marks where !remoteIDs.isEmpty {
            let number = Int32(model.rawValue)
            try await connection.run(
                """
                INSERT INTO created_here (integration_id, model, remote_id)
                SELECT \(integrationID), \(number), unnest(\(remoteIDs)::text[]) ON CONFLICT DO NOTHING
                """,
                logger: logger
            )
        }
    }

    /// Remote ids created through ATSBridge; see ``Store``.
    public func createdHere(integrationID: String, model: Model) async throws -> Set<String> {
        let number = Int32(model.rawValue)
        let rows = try await self.rows(
            "SELECT remote_id FROM created_here WHERE integration_id = \(integrationID) AND model = \(number)",
            readOnly: true
        )
        return Set(try rows.map { try $0.decode(String.self) })
    }
}

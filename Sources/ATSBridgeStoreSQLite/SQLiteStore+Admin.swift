public import ATSBridgeCore
public import ATSBridgeProto
import Foundation
import GRDB

/// Integrations, sync runs, idempotency records and the change log.
extension SQLiteStore {
    /// Change events after `sequence`, in order; see ``Store``.
    public func changes(integrationID: String, after sequence: UInt64, limit: Int) async throws -> [ChangeEvent] {
        try await self.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, model, record_id, kind, committed_at FROM changes
                    WHERE integration_id = ? AND sequence > ? ORDER BY sequence LIMIT ?
                    """,
                arguments: [integrationID, Int64(clamping: sequence), max(1, min(limit, 10_000))]
            ).map { row in
                ChangeEvent(
                    sequence: UInt64(row[0] as Int64),
                    model: Model(rawValue: Int32(row[1] as Int64)),
                    kind: ChangeKind(rawValue: Int32(row[3] as Int64)),
                    ids: [row[2]],
                    committedAt: row[4]
                )
            }
        }
    }

    /// The latest change event's sequence; see ``Store``.
    public func lastChangeSequence(integrationID: String) async throws -> UInt64 {
        try await self.read { db in
            let last = try Int64.fetchOne(
                db,
                sql: "SELECT MAX(sequence) FROM changes WHERE integration_id = ?",
                arguments: [integrationID]
            )
            return UInt64(max(0, last ?? 0))
        }
    }

    /// Creates or replaces an integration.
    public func saveIntegration(_ integration: StoredIntegration) async throws {
        let data = Data(try integration.integration.encode())
        let credentials = Data(integration.encryptedCredentials)
        let id = integration.integration.id
        let saved = integration.integration
        try await self.write { db in
            let before = try Data.fetchOne(db, sql: "SELECT data FROM integrations WHERE id = ?", arguments: [id])
                .map(Self.decodeIntegration)
            try db.execute(
                sql: """
                    INSERT INTO integrations (id, data, credentials) VALUES (?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET data = excluded.data, credentials = excluded.credentials
                    """,
                arguments: [id, data, credentials]
            )
            try Self.clearViewsIfNoLongerSetUp(db, before: before, after: saved)
        }
    }

    /// One integration by id.
    public func integration(id: String) async throws -> StoredIntegration? {
        try await self.read { db in
            try Row.fetchOne(db, sql: "SELECT data, credentials FROM integrations WHERE id = ?", arguments: [id])
                .map(Self.integration(from:))
        }
    }

    /// Every integration, by id.
    public func integrations() async throws -> [StoredIntegration] {
        try await self.read { db in
            try Row.fetchAll(db, sql: "SELECT data, credentials FROM integrations ORDER BY id").map(
                Self.integration(from:)
            )
        }
    }

    /// An integration from its stored bytes.
    static func decodeIntegration(_ data: Data) throws -> Integration {
        try data.withUnsafeBytes { try Integration(decoding: $0, limits: .default) }
    }

    private static func integration(from row: Row) throws -> StoredIntegration {
        let data: Data = row[0]
        let credentials: Data = row[1]
        return StoredIntegration(
            integration: try Self.decodeIntegration(data),
            encryptedCredentials: [UInt8](credentials)
        )
    }

    /// Deletes an integration and all its records, runs, keys and changes.
    public func deleteIntegration(id: String) async throws -> Int {
        try await self.write { db in
            try db.execute(sql: "DELETE FROM records WHERE integration_id = ?", arguments: [id])
            let removed = db.changesCount
            for table in [
                "candidate_emails", "changes", "sync_runs", "idempotency_keys", "sync_leases", "created_here",
            ] {
                try db.execute(sql: "DELETE FROM \(table) WHERE integration_id = ?", arguments: [id])
            }
            try db.execute(sql: "DELETE FROM integrations WHERE id = ?", arguments: [id])
            return removed
        }
    }

    /// Creates or replaces a sync run.
    public func saveSyncRun(_ run: SyncRun) async throws {
        let data = Data(try run.encode())
        try await self.write { db in
            try db.execute(
                sql: """
                    INSERT INTO sync_runs (id, integration_id, queued_at, data) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET data = excluded.data
                    """,
                arguments: [run.id, run.integrationID ?? "", run.queuedAt ?? 0, data]
            )
        }
    }

    /// The latest runs of an integration, newest first.
    public func syncRuns(integrationID: String, limit: Int) async throws -> [SyncRun] {
        try await self.read { db in
            try Data.fetchAll(
                db,
                sql: "SELECT data FROM sync_runs WHERE integration_id = ? ORDER BY queued_at DESC, id DESC LIMIT ?",
                arguments: [integrationID, max(1, min(limit, 1000))]
            ).map { data in try data.withUnsafeBytes { try SyncRun(decoding: $0, limits: .default) } }
        }
    }

    /// A page of an integration's runs, newest first; see ``Store``.
    public func syncRuns(integrationID: String, after cursor: SyncRunCursor?, limit: Int) async throws -> [SyncRun] {
        try await self.read { db in
            var sql = "SELECT data FROM sync_runs WHERE integration_id = ?"
            var arguments: [any DatabaseValueConvertible] = [integrationID]
            if let cursor {
                sql += " AND (queued_at < ? OR (queued_at = ? AND id < ?))"
                arguments += [cursor.queuedAt, cursor.queuedAt, cursor.runID]
            }
            sql += " ORDER BY queued_at DESC, id DESC LIMIT ?"
            arguments.append(max(1, min(limit, 1000)))
            return try Data.fetchAll(db, sql: sql, arguments: Self.arguments(arguments)).map { data in
                try data.withUnsafeBytes { try SyncRun(decoding: $0, limits: .default) }
            }
        }
    }

    /// Claims a key in one transaction, or returns the record that already holds it.
    public func claimIdempotencyKey(_ record: IdempotencyRecord) async throws -> IdempotencyRecord? {
        try await self.write { db in
            if let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT request_hash, response, created_at FROM idempotency_keys
                    WHERE integration_id = ? AND key = ?
                    """,
                arguments: [record.integrationID, record.key]
            ) {
                let hash: Data = row[0]
                let response: Data? = row[1]
                return IdempotencyRecord(
                    integrationID: record.integrationID,
                    key: record.key,
                    requestHash: [UInt8](hash),
                    response: response.map { [UInt8]($0) },
                    createdAt: row[2]
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO idempotency_keys (integration_id, key, request_hash, response, created_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.integrationID, record.key, Data(record.requestHash), record.response.map { Data($0) },
                    record.createdAt,
                ]
            )
            return nil
        }
    }

    /// Records the response of a claimed key, if its claim still holds it; see ``Store``.
    @discardableResult
    public func completeIdempotencyKey(integrationID: String, key: String, claimedAt: Int64, response: [UInt8])
        async throws -> Bool
    {
        try await self.write { db in
            try db.execute(
                sql: """
                    UPDATE idempotency_keys SET response = ?
                    WHERE integration_id = ? AND key = ? AND created_at = ?
                    """,
                arguments: [Data(response), integrationID, key, claimedAt]
            )
            return db.changesCount == 1
        }
    }

    /// Renews a claim that still holds its key; see ``Store``.
    public func renewIdempotencyKey(integrationID: String, key: String, claimedAt: Int64, renewedAt: Int64)
        async throws -> Bool
    {
        try await self.write { db in
            try db.execute(
                sql:
                    "UPDATE idempotency_keys SET created_at = ? WHERE integration_id = ? AND key = ? AND created_at = ?",
                arguments: [renewedAt, integrationID, key, claimedAt]
            )
            return db.changesCount == 1
        }
    }

    /// Takes over an uncertain or abandoned key, if it is still as read; see ``Store``.
    public func retakeIdempotencyKey(
        integrationID: String,
        key: String,
        response: [UInt8]?,
        createdAt: Int64,
        claimedAt: Int64
    ) async throws -> Bool {
        try await self.write { db in
            // `IS` compares a NULL response too.
            try db.execute(
                sql: """
                    UPDATE idempotency_keys SET response = NULL, created_at = ?
                    WHERE integration_id = ? AND key = ? AND response IS ? AND created_at = ?
                    """,
                arguments: [claimedAt, integrationID, key, response.map { Data($0) }, createdAt]
            )
            return db.changesCount == 1
        }
    }

    /// Forgets one key; see ``Store``.
    public func releaseIdempotencyKey(integrationID: String, key: String, claimedAt: Int64) async throws {
        try await self.write { db in
            try db.execute(
                sql: "DELETE FROM idempotency_keys WHERE integration_id = ? AND key = ? AND created_at = ?",
                arguments: [integrationID, key, claimedAt]
            )
        }
    }

    /// Forgets keys created before `cutoff`.
    public func purgeIdempotencyKeys(createdBefore cutoff: Int64) async throws -> Int {
        try await self.write { db in
            try db.execute(sql: "DELETE FROM idempotency_keys WHERE created_at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }
}

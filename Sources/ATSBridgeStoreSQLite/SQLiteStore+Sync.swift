import ATSBridgeCore
public import ATSBridgeProto
import Foundation
import GRDB

/// Sync leases, records created through ATSBridge, and read-modify-write of integrations.
extension SQLiteStore {
    /// Updates an integration in one transaction; see ``Store``.
    public func updateIntegration(id: String, _ update: @Sendable @escaping (inout Integration) -> Void) async throws
        -> Integration?
    {
        try await self.write { db in try Self.updateIntegration(db, id: id, credentials: nil, update) }
    }

    /// Takes or renews a sync lease; see ``Store``.
    public func acquireSyncLease(integrationID: String, owner: String, until: Int64, at now: Int64) async throws
        -> Bool
    {
        try await self.write { db in
            try db.execute(
                sql: """
                    INSERT INTO sync_leases (integration_id, owner, expires_at) VALUES (?, ?, ?)
                    ON CONFLICT (integration_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                    WHERE sync_leases.owner = excluded.owner OR sync_leases.expires_at <= ?
                    """,
                arguments: [integrationID, owner, until, now]
            )
            return db.changesCount > 0
        }
    }

    /// Gives up a lease; see ``Store``.
    public func releaseSyncLease(integrationID: String, owner: String) async throws {
        try await self.write { db in
            try db.execute(
                sql: "DELETE FROM sync_leases WHERE integration_id = ? AND owner = ?",
                arguments: [integrationID, owner]
            )
        }
    }

    /// Remembers records created through ATSBridge; see ``Store``.
    public func markCreatedHere(integrationID: String, model: Model, remoteIDs: [String]) async throws {
        try await self.write { db in
            try Self.markCreatedHere(db, integrationID, [model: remoteIDs])
        }
    }

    /// Created-here marks, inside the caller's transaction.
    static func markCreatedHere(_ db: Database, _ integrationID: String, _ marks: [Model: [String]]) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO created_here (integration_id, model, remote_id) VALUES (?, ?, ?)"
        )
        for (model, remoteIDs) in marks {
            for remoteID in remoteIDs {
                try statement.execute(arguments: [integrationID, Int(model.rawValue), remoteID])
            }
        }
    }

    /// Remote ids created through ATSBridge; see ``Store``.
    public func createdHere(integrationID: String, model: Model) async throws -> Set<String> {
        try await self.read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: "SELECT remote_id FROM created_here WHERE integration_id = ? AND model = ?",
                    arguments: [integrationID, Int(model.rawValue)]
                )
            )
        }
    }
}

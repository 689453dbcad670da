public import ATSBridgeCore
public import ATSBridgeProto
import Foundation
import GRDB

/// Rotating an integration's credentials and re-sealing all of them under a new key.
extension SQLiteStore {
    /// Replaces one integration's credentials and changes it in one transaction; see ``Store``.
    public func updateIntegration(
        id: String,
        credentials: [UInt8],
        _ update: @Sendable @escaping (inout Integration) -> Void
    ) async throws -> Integration? {
        try await self.write { db in try Self.updateIntegration(db, id: id, credentials: credentials, update) }
    }

    /// Reads, changes and writes back an integration (and its credentials, when given) in the
    /// caller's transaction; `nil` when it does not exist.
    static func updateIntegration(
        _ db: Database,
        id: String,
        credentials: [UInt8]?,
        _ update: (inout Integration) -> Void
    ) throws -> Integration? {
        guard let data = try Data.fetchOne(db, sql: "SELECT data FROM integrations WHERE id = ?", arguments: [id])
        else { return nil }
        let before = try Self.decodeIntegration(data)
        var integration = before
        update(&integration)
        integration.id = id
        try Self.clearViewsIfNoLongerSetUp(db, before: before, after: integration)
        let encoded = Data(try integration.encode())
        if let credentials {
            try db.execute(
                sql: "UPDATE integrations SET data = ?, credentials = ? WHERE id = ?",
                arguments: [encoded, Data(credentials), id]
            )
        } else {
            try db.execute(sql: "UPDATE integrations SET data = ? WHERE id = ?", arguments: [encoded, id])
        }
        return integration
    }

    /// Re-seals every integration's credentials in one transaction; see ``Store``.
    public func resealCredentials(_ reseal: @Sendable @escaping (StoredIntegration) throws -> [UInt8]) async throws
        -> [String]
    {
        try await self.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT data, credentials FROM integrations ORDER BY id")
            var ids: [String] = []
            for row in rows {
                let data: Data = row[0]
                let credentials: Data = row[1]
                let integration = try Self.decodeIntegration(data)
                let sealed = try reseal(
                    StoredIntegration(integration: integration, encryptedCredentials: [UInt8](credentials))
                )
                try db.execute(
                    sql: "UPDATE integrations SET credentials = ? WHERE id = ?",
                    arguments: [Data(sealed), integration.id]
                )
                ids.append(integration.id)
            }
            return ids
        }
    }
}

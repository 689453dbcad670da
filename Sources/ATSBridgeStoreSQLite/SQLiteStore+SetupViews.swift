import ATSBridgeCore
import ATSBridgeProto
import Foundation
import GRDB

/// Kept views wait for an integration's first sync (docs/store.md, "Kept nested views"): the
/// SQLite store keeps views only for records whose integration has completed its setup, or has
/// no integration row at all. Its writes can then leave the views of a pending integration's
/// records alone, since none are kept. Views are written only by the refresh, and every check
/// and change here runs in a transaction of the store's single writer.
extension SQLiteStore {
    /// Whether `integration` is set up: its views may be kept.
    static func keepsViews(_ integration: Integration) -> Bool {
        integration.setupStatus == .completed
    }

    /// Whether the records of `integrationID` may have kept views: false while its integration
    /// exists and its first sync has not completed.
    static func mayKeepViews(_ db: Database, _ integrationID: String) throws -> Bool {
        guard
            let data = try Data.fetchOne(
                db,
                sql: "SELECT data FROM integrations WHERE id = ?",
                arguments: [integrationID]
            )
        else { return true }
        return Self.keepsViews(try Self.decodeIntegration(data))
    }

    /// The integrations whose views are not kept (their first sync has not completed), by the
    /// id their records are stored under.
    static func pendingIntegrations(_ db: Database) throws -> Set<String> {
        var pending: Set<String> = []
        for row in try Row.fetchAll(db, sql: "SELECT id, data FROM integrations") {
            if !Self.keepsViews(try Self.decodeIntegration(row["data"])) { pending.insert(row["id"]) }
        }
        return pending
    }

    /// Forgets every view kept for an integration that is not set up: what a build from before
    /// views waited for the first sync may have left (run at every start).
    static func clearViewsOfIntegrationsNotSetUp(_ db: Database) throws {
        for integrationID in try Self.pendingIntegrations(db) { try Self.clearViews(db, of: integrationID) }
    }

    /// Forgets the kept views of an integration's records (it is, or is again, not set up).
    static func clearViews(_ db: Database, of integrationID: String) throws {
        try db.execute(
            sql: "UPDATE records SET view = NULL WHERE integration_id = ? AND view IS NOT NULL",
            arguments: [integrationID]
        )
    }

    /// Clears the views of an integration whose write made it not set up when it was before (or
    /// did not exist), so that no views are kept for it from then on.
    static func clearViewsIfNoLongerSetUp(_ db: Database, before: Integration?, after: Integration) throws {
        guard !Self.keepsViews(after), before.map(Self.keepsViews) ?? true else { return }
        try Self.clearViews(db, of: after.id)
    }
}

import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreRules
import GRDB

extension SQLiteStore {
    /// Clears the kept views the rules name stale, inside the caller's transaction.
    static func apply(_ stale: StaleViews, _ db: Database, _ integrationID: String) throws {
        var cleared = ClearedViews()
        try Self.apply(stale, db, integrationID, cleared: &cleared)
    }

    /// Clears the kept views the rules name stale, inside the caller's transaction, skipping
    /// those `cleared` says the transaction already cleared.
    static func apply(
        _ stale: StaleViews,
        _ db: Database,
        _ integrationID: String,
        cleared: inout ClearedViews
    ) throws {
        for rule in stale.rules.map({ cleared.remaining($0) }) {
            for chunk in rule.keys.chunked(500) {
                var keys = "(" + (0..<chunk.count).map { "?\($0 + 2)" }.joined(separator: ", ") + ")"
                if let via = rule.via {
                    keys = """
                        (SELECT \(via.select.name) FROM records WHERE integration_id = ?1 AND model = \(via.model.rawValue)
                        AND \(via.column.name) IN \(keys))
                        """
                }
                // Cached and bound with the C API: GRDB's own argument check looks up every
                // parameter's name, quadratic in the 500 keys.
                let statement = try db.cachedStatement(
                    sql: """
                        UPDATE records SET view = NULL WHERE integration_id = ?1 AND model = \(rule.model.rawValue)
                        AND \(rule.column.name) IN \(keys) AND view IS NOT NULL
                        """
                )
                var binder = StatementBinder(statement.sqliteStatement)
                binder.text(integrationID)
                for key in chunk { binder.text(key) }
                try StatementBinder.execute(statement.sqliteStatement, failure: "marking views stale failed")
            }
        }
    }
}

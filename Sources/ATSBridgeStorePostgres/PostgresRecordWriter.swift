import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreRules
import Logging
import PostgresNIO

/// One writing transaction on one integration's records: it holds the integration's write lock
/// (a transaction-scoped advisory lock), so writers of one integration, on any instance, take
/// turns as SQLite's single writer does; what each decides from what it read stays true until
/// it commits, and change-log sequences are handed out in commit order.
struct RecordWriter {
    /// The advisory lock namespace of integrations' write locks ("ATSC").
    static let lockNamespace: Int32 = 0x4154_5343

    let connection: PostgresConnection
    let logger: Logger
    let integrationID: String

    /// Takes the integration's write lock; held until the transaction ends.
    static func begin(_ connection: PostgresConnection, _ logger: Logger, _ integrationID: String) async throws -> Self
    {
        try await connection.run(
            "SELECT pg_advisory_xact_lock(\(Self.lockNamespace), hashtext(\(integrationID)))",
            logger: logger
        )
        return RecordWriter(connection: connection, logger: logger, integrationID: integrationID)
    }

    /// Clears the kept views the rules name.
    func clear(_ stale: StaleViews) async throws {
        for rule in stale.rules {
            let model = Int32(rule.model.rawValue)
            var keys = "$3"
            if let via = rule.via {
                keys = """
                    (SELECT \(via.select.name) FROM records WHERE integration_id = $1 AND model = \(via.model.rawValue)
                    AND \(via.column.name) = ANY($3))
                    """
            } else {
                keys = "ANY($3)"
            }
            var bindings = PostgresBindings()
            bindings.append(self.integrationID)
            bindings.append(model)
            bindings.append(rule.keys)
            try await self.connection.run(
                PostgresQuery(
                    unsafeSQL: """
                        UPDATE records SET view = NULL WHERE integration_id = $1 AND model = $2
                        AND \(rule.column.name) \(rule.via == nil ? "=" : "IN") \(keys) AND view IS NOT NULL
                        """,
                    binds: bindings
                ),
                logger: self.logger
            )
        }
    }

    /// Moves the touched time of the targets' records and logs them TOUCHED.
    func touch(_ targets: [TouchTarget], now: Int64) async throws {
        for target in targets {
            var bindings = PostgresBindings()
            bindings.append(self.integrationID)
            bindings.append(Int32(target.model.rawValue))
            bindings.append(target.keys)
            bindings.append(now)
            let rows = try await self.connection.rows(
                PostgresQuery(
                    unsafeSQL: """
                        UPDATE records SET touched_at = $4
                        WHERE integration_id = $1 AND model = $2 AND \(target.column.name) = ANY($3) AND touched_at < $4
                        RETURNING id
                        """,
                    binds: bindings
                ),
                logger: self.logger
            )
            let touched = try rows.map { try $0.decode(String.self) }.sorted()
            try await self.log(target.model, touched, .touched, now)
        }
    }

    /// Appends change-log entries.
    func log(_ model: Model, _ ids: [String], _ kind: ChangeKind, _ now: Int64) async throws {
        try await PostgresStore.log(self.connection, self.logger, self.integrationID, model, ids, kind, now)
    }
}

extension PostgresStore {
    /// Runs `body` in one transaction holding `integrationID`'s write lock.
    func writeTransaction<T: Sendable>(
        integrationID: String,
        _ body: (RecordWriter) async throws -> T
    ) async throws -> T {
        try await self.transaction { connection in
            try await body(try await RecordWriter.begin(connection, self.logger, integrationID))
        }
    }
}

import ATSBridgeCore
public import ATSBridgeProto
import PostgresNIO

/// The change log read by watch streams.
extension PostgresStore {
    /// Change events after `sequence`, in order; see ``Store``.
    public func changes(integrationID: String, after sequence: UInt64, limit: Int) async throws -> [ChangeEvent] {
        let after = Int64(clamping: sequence)
        let limit = Int64(max(1, min(limit, 10_000)))
        let rows = try await self.rows(
            """
            SELECT sequence, model, record_id, kind, committed_at FROM changes
            WHERE integration_id = \(integrationID) AND sequence > \(after) ORDER BY sequence LIMIT \(limit)
            """,
            readOnly: true
        )
        return try rows.map { row in
            let (sequence, model, id, kind, committedAt) = try row.decode((Int64, Int32, String, Int32, Int64).self)
            return ChangeEvent(
                sequence: UInt64(sequence),
                model: Model(rawValue: model),
                kind: ChangeKind(rawValue: kind),
                ids: [id],
                committedAt: committedAt
            )
        }
    }

    /// The latest change event's sequence; see ``Store``.
    public func lastChangeSequence(integrationID: String) async throws -> UInt64 {
        let rows = try await self.rows(
            "SELECT COALESCE(MAX(sequence), 0) FROM changes WHERE integration_id = \(integrationID)",
            readOnly: true
        )
        return UInt64(max(0, try rows.first?.decode(Int64.self) ?? 0))
    }

    /// Appends change-log entries of `ids` inside the caller's transaction, with the next
    /// sequences of the integration. Taking them locks the integration's counter row until the
    /// transaction ends, so sequences are handed out in commit order.
    static func log(
        _ connection: PostgresConnection,
        _ logger: Logger,
        _ integrationID: String,
        _ model: Model,
        _ ids: [String],
        _ kind: ChangeKind,
        _ now: Int64
    ) async throws {
        guard !ids.isEmpty else { return }
        let count = Int64(ids.count)
        let rows = try await connection.rows(
            """
            INSERT INTO change_counters (integration_id, last) VALUES (\(integrationID), \(count))
            ON CONFLICT (integration_id) DO UPDATE SET last = change_counters.last + excluded.last
            RETURNING last
            """,
            logger: logger
        )
        let last = try rows.first?.decode(Int64.self) ?? count
        let first = last - count + 1
        let modelNumber = Int32(model.rawValue)
        let kindNumber = Int32(kind.rawValue)
        try await connection.run(
            """
            INSERT INTO changes (integration_id, sequence, model, record_id, kind, committed_at)
            SELECT \(integrationID), \(first) + ordinality - 1, \(modelNumber), id, \(kindNumber), \(now)
            FROM unnest(\(ids)::text[]) WITH ORDINALITY AS ids(id, ordinality)
            """,
            logger: logger
        )
    }
}

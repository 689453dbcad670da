public import ATSBridgeProto
import PostgresNIO

/// The append-only audit log (docs/security.md, "Audit log").
extension PostgresStore {
    /// Appends an entry; see ``AuditStore``.
    public func appendAudit(_ entry: AuditEntry) async throws {
        let at = entry.at ?? 0
        let keyName = entry.keyName ?? ""
        let method = entry.method ?? ""
        let targets = entry.targetIDs.joined(separator: "\n")
        let status = Int64(entry.status?.rawValue ?? 0)
        _ = try await self.rows(
            """
            INSERT INTO audit_log (at, key_name, method, integration_id, target_ids, status, error_code)
            VALUES (\(at), \(keyName), \(method), \(entry.integrationID), \(targets), \(status), \(entry.errorCode))
            """
        )
    }

    /// Entries newest first; see ``AuditStore``.
    public func auditEntries(before sequence: UInt64?, integrationID: String?, limit: Int) async throws
        -> [AuditEntry]
    {
        let before = Int64(clamping: sequence ?? UInt64(Int64.max))
        let limit = Int64(max(1, min(limit, 1000)))
        let rows = try await self.rows(
            """
            SELECT sequence, at, key_name, method, integration_id, target_ids, status, error_code
            FROM audit_log WHERE sequence < \(before) AND (\(integrationID)::text IS NULL OR integration_id = \(integrationID))
            ORDER BY sequence DESC LIMIT \(limit)
            """,
            readOnly: true
        )
        return try rows.map { row in
            let (sequence, at, keyName, method, integration, targets, status, errorCode) = try row.decode(
                (Int64, Int64, String, String, String?, String, Int32, String?).self
            )
            return AuditEntry(
                sequence: UInt64(sequence),
                at: at,
                keyName: keyName,
                method: method,
                integrationID: integration,
                targetIDs: targets.isEmpty ? [] : targets.split(separator: "\n").map(String.init),
                status: StatusCode(rawValue: status),
                errorCode: errorCode
            )
        }
    }
}

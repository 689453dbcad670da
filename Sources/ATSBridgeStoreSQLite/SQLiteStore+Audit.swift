public import ATSBridgeProto
import Foundation
import GRDB

/// The append-only audit log (docs/security.md, "Audit log").
extension SQLiteStore {
    /// Appends an entry; see ``AuditStore``.
    public func appendAudit(_ entry: AuditEntry) async throws {
        try await self.write { db in
            try db.execute(
                sql: """
                    INSERT INTO audit_log (at, key_name, method, integration_id, target_ids, status, error_code)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.at ?? 0, entry.keyName ?? "", entry.method ?? "", entry.integrationID,
                    entry.targetIDs.joined(separator: "\n"), Int(entry.status?.rawValue ?? 0), entry.errorCode,
                ]
            )
        }
    }

    /// Entries newest first; see ``AuditStore``.
    public func auditEntries(before sequence: UInt64?, integrationID: String?, limit: Int) async throws
        -> [AuditEntry]
    {
        try await self.read { db in
            var conditions = ["sequence < ?"]
            var arguments: [any DatabaseValueConvertible] = [Int64(clamping: sequence ?? UInt64(Int64.max))]
            if let integrationID {
                conditions.append("integration_id = ?")
                arguments.append(integrationID)
            }
            arguments.append(max(1, min(limit, 1000)))
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, at, key_name, method, integration_id, target_ids, status, error_code
                    FROM audit_log WHERE \(conditions.joined(separator: " AND ")) ORDER BY sequence DESC LIMIT ?
                    """,
                arguments: Self.arguments(arguments)
            ).map { row in
                let targets: String = row[5]
                return AuditEntry(
                    sequence: UInt64(row[0] as Int64),
                    at: row[1],
                    keyName: row[2],
                    method: row[3],
                    integrationID: row[4],
                    targetIDs: targets.isEmpty ? [] : targets.split(separator: "\n").map(String.init),
                    status: StatusCode(rawValue: Int32(row[6] as Int64)),
                    errorCode: row[7]
                )
            }
        }
    }
}

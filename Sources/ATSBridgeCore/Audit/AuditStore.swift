public import ATSBridgeProto

/// The store's role for the audit log: append-only, no personal data.
public protocol AuditStore: Sendable {
    /// Appends an entry; its `sequence` is assigned by the store.
    func appendAudit(_ entry: AuditEntry) async throws
    /// Entries before `sequence` (all when `nil`), newest first, at most `limit`, optionally of
    /// one integration only.
    func auditEntries(before sequence: UInt64?, integrationID: String?, limit: Int) async throws -> [AuditEntry]
}

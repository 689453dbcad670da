/// Everything ATSBridge persists, as the composition of its roles: the mirrored records
/// (``RecordStore``), the change log (``ChangeLogStore``), integrations (``IntegrationStore``),
/// sync runs and leases (``SyncRunStore``), idempotency records (``IdempotencyStore``), API keys
/// (``APIKeyStore``), the audit log (``AuditStore``) and the sources a sync mapped
/// (``SourceHashStore``). Callers that need one role take that
/// role.
///
/// Backends: SQLite (the embedded default) and PostgreSQL. Both pass the same contract tests.
/// Times are milliseconds since the Unix epoch and are passed in, so tests control the clock.
public protocol Store: RecordStore, ChangeLogStore, IntegrationStore, SyncRunStore, IdempotencyStore, APIKeyStore,
    AuditStore, SourceHashStore
{}

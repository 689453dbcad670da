public import ATSBridgeProto

/// Everything ATSBridge persists: the mirrored records with their change semantics, and the
/// integrations, sync runs, API keys (``APIKeyStore``), the audit log (``AuditStore``),
/// idempotency records, change log and the sources a sync mapped (``SourceHashStore``).
///
/// Backends: SQLite (the embedded default) and PostgreSQL. Both pass the same contract tests.
/// Times are milliseconds since the Unix epoch and are passed in, so tests control the clock.
public protocol Store: RecordReading, APIKeyStore, AuditStore, SourceHashStore {
    /// Upserts a batch in one transaction: new records are created, records whose own fields
    /// changed are updated and their `changed_at` moves, identical records are not written.
    /// Parents whose nested data changed get a new touched time (see ARCHITECTURE.md), and
    /// every committed change is appended to the change log.
    func upsert(_ batch: RecordBatch, integrationID: String, at now: Int64) async throws -> UpsertResult

    /// Upserts several batches, of any models, in one transaction: a write command's candidate,
    /// tags and application become visible together.
    func upsert(batches: [RecordBatch], integrationID: String, at now: Int64) async throws -> UpsertResult

    /// Upserts a write command's records and remembers the remote ids it created as created
    /// here (for "sync only created applications"), in one transaction, so that a sync never
    /// sees the records without the mark.
    func upsert(
        batches: [RecordBatch],
        createdHere: [Model: [String]],
        integrationID: String,
        at now: Int64
    ) async throws -> UpsertResult

    /// After a full sync of `model`: marks every live record not in `seenIDs` deleted at `now`.
    func markMissing(integrationID: String, model: Model, seenIDs: Set<String>, at now: Int64) async throws
        -> UpsertResult

    /// Blanks the personal data of records deleted before `cutoff`, keeping ids and times.
    /// Returns how many records were blanked.
    func blankDeletedPersonalData(deletedBefore cutoff: Int64) async throws -> Int

    /// Change events of an integration after `sequence`, in order, at most `limit`.
    func changes(integrationID: String, after sequence: UInt64, limit: Int) async throws -> [ChangeEvent]

    /// The sequence of an integration's latest change event, 0 when it has none.
    func lastChangeSequence(integrationID: String) async throws -> UInt64

    /// Creates or replaces an integration.
    func saveIntegration(_ integration: StoredIntegration) async throws
    /// One integration by id.
    func integration(id: String) async throws -> StoredIntegration?
    /// Every integration.
    func integrations() async throws -> [StoredIntegration]
    /// Reads, changes and writes back an integration in one transaction, so concurrent updates
    /// (an administrator pausing, a sync finishing) do not overwrite each other. Returns the
    /// updated integration, or `nil` when it does not exist.
    func updateIntegration(id: String, _ update: @Sendable @escaping (inout Integration) -> Void) async throws
        -> Integration?
    /// Replaces an integration's sealed credentials and changes it in one transaction (a
    /// credential rotation). Returns the updated integration, or `nil` when it does not exist.
    func updateIntegration(
        id: String,
        credentials: [UInt8],
        _ update: @Sendable @escaping (inout Integration) -> Void
    ) async throws -> Integration?
    /// Re-seals every integration's credentials in one transaction: `reseal` returns the new
    /// sealed bytes of each; if it throws for any, nothing is changed. Returns the ids of the
    /// re-sealed integrations.
    func resealCredentials(_ reseal: @Sendable @escaping (StoredIntegration) throws -> [UInt8]) async throws
        -> [String]
    /// Deletes an integration and all its data; returns how many records were removed.
    func deleteIntegration(id: String) async throws -> Int

    /// Creates or replaces a sync run.
    func saveSyncRun(_ run: SyncRun) async throws
    /// The latest runs of an integration, newest first.
    func syncRuns(integrationID: String, limit: Int) async throws -> [SyncRun]
    /// A page of an integration's runs, newest first: at most `limit` runs that come after
    /// `cursor` (the last run of the previous page), or the newest when `cursor` is nil.
    func syncRuns(integrationID: String, after cursor: SyncRunCursor?, limit: Int) async throws -> [SyncRun]

    /// Takes or renews the sync lease of an integration for `owner` until `until`. Returns false
    /// when another owner holds an unexpired lease: only one sync of an integration runs at a
    /// time, across every server sharing the store.
    func acquireSyncLease(integrationID: String, owner: String, until: Int64, at now: Int64) async throws -> Bool
    /// Gives up a lease held by `owner`.
    func releaseSyncLease(integrationID: String, owner: String) async throws

    /// Remembers RECRU records created through ATSBridge, for "sync only created applications".
    func markCreatedHere(integrationID: String, model: Model, remoteIDs: [String]) async throws
    /// Remote ids of the records of `model` created through ATSBridge.
    func createdHere(integrationID: String, model: Model) async throws -> Set<String>

    /// Stores an idempotency record unless one exists for its key; returns the existing one.
    func claimIdempotencyKey(_ record: IdempotencyRecord) async throws -> IdempotencyRecord?
    /// Records the response of a claimed key.
    func completeIdempotencyKey(integrationID: String, key: String, response: [UInt8]) async throws
    /// Forgets one key, so that a retry runs the command again (after a transient failure).
    func releaseIdempotencyKey(integrationID: String, key: String) async throws
    /// Forgets keys created before `cutoff`.
    func purgeIdempotencyKeys(createdBefore cutoff: Int64) async throws -> Int
}

extension Store {
    /// The upsert, then the marks: for backends without one transaction over both.
    public func upsert(
        batches: [RecordBatch],
        createdHere: [Model: [String]],
        integrationID: String,
        at now: Int64
    ) async throws -> UpsertResult {
        for (model, remoteIDs) in createdHere.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try await self.markCreatedHere(integrationID: integrationID, model: model, remoteIDs: remoteIDs)
        }
        return try await self.upsert(batches: batches, integrationID: integrationID, at: now)
    }
}

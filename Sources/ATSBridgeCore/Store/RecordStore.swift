public import ATSBridgeProto

/// The mirrored records with their change semantics (ARCHITECTURE.md, "Read semantics"): the
/// read side (``RecordReading``), upserts with diff, tombstones, retention blanking, and the marks
/// of records created through ATSBridge. The change decisions themselves are shared by every
/// backend (the `ATSBridgeStoreRules` module); a backend stores and fetches rows.
public protocol RecordStore: RecordReading {
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
    func markMissing(integrationID: String, model: Model, seenIDs: RecordIDSet, at now: Int64) async throws
        -> UpsertResult

    /// Blanks the personal data of records deleted before `cutoff`, keeping ids and times.
    /// Returns how many records were blanked.
    func blankDeletedPersonalData(deletedBefore cutoff: Int64) async throws -> Int

    /// Remembers RECRU records created through ATSBridge, for "sync only created applications".
    func markCreatedHere(integrationID: String, model: Model, remoteIDs: [String]) async throws
    /// Remote ids of the records of `model` created through ATSBridge.
    func createdHere(integrationID: String, model: Model) async throws -> Set<String>
}

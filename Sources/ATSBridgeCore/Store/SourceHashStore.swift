public import ATSBridgeProto

/// Remembers the fingerprint of each remote source a sync mapped (``SourceHash``), so that the
/// next sync can skip mapping and writing sources that did not change upstream.
///
/// A fingerprint is only trusted while the record it was written with is still as that upsert
/// left it: present, with the source's remote id, not deleted and with the same own-field hash.
/// A record tombstoned, blanked, rewritten by another writer or removed with its integration is
/// therefore mapped again by the next sync, whatever the remote sends; so is a source whose
/// record carries another remote id (stores find the record through it).
public protocol SourceHashStore: Sendable {
    /// The remembered fingerprints of `model` sources among `remoteIDs` that can be trusted (see
    /// above), by remote id; sources without one are absent.
    func sourceHashes(integrationID: String, model: Model, remoteIDs: [String]) async throws -> [String: SourceHash]

    /// Upserts `batches` as ``Store/upsert(batches:integrationID:at:)`` does, then remembers
    /// `sources` for the records that upsert left in the store. A fingerprint is never visible
    /// before its records are committed; if remembering fails after the records were committed,
    /// the sources are only mapped again next time.
    func upsert(batches: [RecordBatch], sources: [SourceHash], integrationID: String, at now: Int64) async throws
        -> UpsertResult

    /// The same for batches the caller already encoded (``EncodedBatch``), in the given order,
    /// in one transaction, with their sources paired with them (``EncodedSources``, made from
    /// these batches): a sync prepares its next transaction while this one is written.
    func upsert(encoded: [EncodedBatch], sources: EncodedSources, integrationID: String, at now: Int64) async throws
        -> UpsertResult
}

extension SourceHashStore {
    /// The same for batches already encoded and sources not yet paired with them.
    public func upsert(encoded: [EncodedBatch], sources: [SourceHash], integrationID: String, at now: Int64)
        async throws -> UpsertResult
    {
        try await self.upsert(
            encoded: encoded,
            sources: EncodedSources(sources, written: encoded),
            integrationID: integrationID,
            at: now
        )
    }
}

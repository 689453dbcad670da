public import ATSBridgeCore
public import ATSBridgeProto

extension PostgresStore {
    /// No fingerprints are kept yet on PostgreSQL: every source is mapped again by each sync,
    /// which the ``SourceHashStore`` contract allows (it only costs the skip).
    public func sourceHashes(integrationID: String, model: Model, remoteIDs: [String]) async throws
        -> [String: SourceHash]
    {
        [:]
    }

    /// Upserts `batches`; the fingerprints are not kept (see above).
    public func upsert(batches: [RecordBatch], sources: [SourceHash], integrationID: String, at now: Int64)
        async throws -> UpsertResult
    {
        try await self.upsert(batches: batches, integrationID: integrationID, at: now)
    }
}

public import ATSBridgeCore
public import ATSBridgeProto
import PostgresNIO

/// The mirrored records: until the backend-neutral change rules land, these fail with
/// `PLATFORM.UNIMPLEMENTED`.
extension PostgresStore {
    private static var unimplemented: ATSBridgeError {
        ATSBridgeError(.unimplemented, "the PostgreSQL store does not keep records yet")
    }

    /// Upserts a batch; see ``Store``.
    public func upsert(_ batch: RecordBatch, integrationID: String, at now: Int64) async throws -> UpsertResult {
        throw Self.unimplemented
    }

    /// Upserts several batches in one transaction; see ``Store``.
    public func upsert(batches: [RecordBatch], integrationID: String, at now: Int64) async throws -> UpsertResult {
        throw Self.unimplemented
    }

    /// Marks live records not seen by a full sync deleted; see ``Store``.
    public func markMissing(integrationID: String, model: Model, seenIDs: Set<String>, at now: Int64) async throws
        -> UpsertResult
    {
        throw Self.unimplemented
    }

    /// Blanks personal data of records deleted before `cutoff`; see ``Store``.
    public func blankDeletedPersonalData(deletedBefore cutoff: Int64) async throws -> Int {
        throw Self.unimplemented
    }

    /// One page of records; see ``RecordReading``.
    public func page(_ query: RecordQuery) async throws -> RecordPage {
        throw Self.unimplemented
    }

    /// One record by id; see ``RecordReading``.
    public func record(_ model: Model, id: String, integrationID: String, includeDeleted: Bool) async throws
        -> [UInt8]?
    {
        throw Self.unimplemented
    }

    /// Refreshes stale kept views; see ``NestedViewCache``.
    public func refreshStaleViews(limit: Int) async throws -> Int {
        throw Self.unimplemented
    }

    /// Marks every kept view stale; see ``NestedViewCache``.
    public func invalidateAllViews() async throws {
        _ = try await self.rows("UPDATE records SET view = NULL WHERE view IS NOT NULL")
    }
}

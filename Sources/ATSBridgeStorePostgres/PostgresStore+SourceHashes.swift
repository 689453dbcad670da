public import ATSBridgeCore
public import ATSBridgeProto
import NIOCore
import PostgresNIO

/// Fingerprints of remote sources (``SourceHashStore``). Related ids are kept as two parallel
/// arrays (models and ids) in PostgreSQL's own array types.
extension PostgresStore {
    /// Trusted source fingerprints: the record each was written with is present under the
    /// source's remote id, live and has the hash it had then; see ``SourceHashStore``.
    public func sourceHashes(integrationID: String, model: Model, remoteIDs: [String]) async throws
        -> [String: SourceHash]
    {
        guard !remoteIDs.isEmpty else { return [:] }
        let number = Int32(model.rawValue)
        let wanted = Array(Set(remoteIDs))
        let rows = try await self.rows(
            """
            SELECT s.remote_id, s.hash, s.record_id, s.related_models, s.related_ids FROM source_hashes AS s
            JOIN records AS r ON r.integration_id = s.integration_id AND r.model = s.model AND r.id = s.record_id
              AND r.remote_id = s.remote_id
            WHERE s.integration_id = \(integrationID) AND s.model = \(number) AND s.remote_id = ANY(\(wanted))
              AND r.hash = s.record_hash AND r.remote_deleted_at IS NULL
            """,
            readOnly: true
        )
        var found: [String: SourceHash] = [:]
        for row in rows {
            let (remoteID, hash, recordID, models, ids) = try row.decode(
                (String, ByteBuffer, String, [Int32], [String]).self
            )
            var related: [Model: [String]] = [:]
            for (model, id) in zip(models, ids) { related[Model(rawValue: model), default: []].append(id) }
            found[remoteID] = SourceHash(
                model: model,
                remoteID: remoteID,
                hash: Array(hash.readableBytesView),
                recordID: recordID,
                related: related
            )
        }
        return found
    }

    /// Upserts, then remembers the sources whose record that upsert left live; see
    /// ``SourceHashStore``. The fingerprints commit after the records (a failure in between
    /// only costs mapping those sources again); each keeps its record's hash as read in the
    /// same statement.
    public func upsert(batches: [RecordBatch], sources: [SourceHash], integrationID: String, at now: Int64)
        async throws -> UpsertResult
    {
        let result = try await self.upsert(batches: batches, integrationID: integrationID, at: now)
        try await self.remember(EncodedSources(sources, written: []).all, integrationID: integrationID)
        return result
    }

    /// The same for batches already encoded; see ``SourceHashStore``. Every fingerprint is
    /// checked against its record as the upsert left it, whether or not it is among the rows.
    public func upsert(encoded: [EncodedBatch], sources: EncodedSources, integrationID: String, at now: Int64)
        async throws -> UpsertResult
    {
        let result = try await self.upsert(encoded: encoded, createdHere: [:], integrationID: integrationID, at: now)
        try await self.remember(sources.all, integrationID: integrationID)
        return result
    }

    /// Remembers the sources whose record is live, with its hash as it is now. `unique` holds
    /// one source per remote id (``EncodedSources``): one INSERT may not name a key twice.
    private func remember(_ unique: [SourceHash], integrationID: String) async throws {
        guard !unique.isEmpty else { return }
        var owners: [Int64] = []
        var relatedModels: [Int32] = []
        var relatedIDs: [String] = []
        for (index, source) in unique.enumerated() {
            for (model, ids) in source.related.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                for id in ids {
                    owners.append(Int64(index + 1))
                    relatedModels.append(Int32(model.rawValue))
                    relatedIDs.append(id)
                }
            }
        }
        let models = unique.map { Int32($0.model.rawValue) }
        let remoteIDs = unique.map(\.remoteID)
        let hashes = unique.map { ByteBuffer(bytes: $0.hash) }
        let recordIDs = unique.map(\.recordID)
        _ = try await self.rows(
            """
            WITH s AS (
                SELECT * FROM unnest(\(models)::int4[], \(remoteIDs)::text[], \(hashes)::bytea[], \(recordIDs)::text[])
                    WITH ORDINALITY AS s(model, remote_id, hash, record_id, n)
            ), rel AS (
                SELECT owner, array_agg(model ORDER BY k) AS models, array_agg(id ORDER BY k) AS ids
                FROM unnest(\(owners)::int8[], \(relatedModels)::int4[], \(relatedIDs)::text[])
                    WITH ORDINALITY AS x(owner, model, id, k)
                GROUP BY owner
            )
            INSERT INTO source_hashes
                (integration_id, model, remote_id, hash, record_id, record_hash, related_models, related_ids)
            SELECT \(integrationID), s.model, s.remote_id, s.hash, r.id, r.hash,
                COALESCE(rel.models, '{}'), COALESCE(rel.ids, '{}')
            FROM s
            JOIN records AS r ON r.integration_id = \(integrationID) AND r.model = s.model AND r.id = s.record_id
                AND r.remote_deleted_at IS NULL
            LEFT JOIN rel ON rel.owner = s.n
            ON CONFLICT (integration_id, model, remote_id) DO UPDATE SET
                hash = excluded.hash, record_id = excluded.record_id, record_hash = excluded.record_hash,
                related_models = excluded.related_models, related_ids = excluded.related_ids
            """
        )
    }
}

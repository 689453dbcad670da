public import ATSBridgeCore
public import ATSBridgeProto
import Foundation
import GRDB

extension SQLiteStore {
    /// Trusted source fingerprints (see ``SourceHashStore``): the record each was written with is
    /// present, live and has the hash it had then.
    public func sourceHashes(integrationID: String, model: Model, remoteIDs: [String]) async throws
        -> [String: SourceHash]
    {
        guard !remoteIDs.isEmpty else { return [:] }
        return try await self.read { db in
            var found: [String: SourceHash] = [:]
            found.reserveCapacity(remoteIDs.count)
            for chunk in Array(Set(remoteIDs)).chunked(500) {
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT s.remote_id, s.hash, s.record_id, s.related FROM source_hashes AS s
                        JOIN records AS r
                          ON r.integration_id = s.integration_id AND r.model = s.model AND r.id = s.record_id
                        WHERE s.integration_id = ? AND s.model = ? AND s.remote_id IN \(Self.placeholders(chunk.count))
                          AND r.hash = s.record_hash AND r.remote_deleted_at IS NULL
                        """,
                    arguments: Self.arguments(
                        [integrationID, Int(model.rawValue)] + chunk.map { $0 as any DatabaseValueConvertible }
                    )
                )
                while let row = try rows.next() {
                    let remoteID: String = row[0]
                    let hash: Data = row[1]
                    found[remoteID] = SourceHash(
                        model: model,
                        remoteID: remoteID,
                        hash: [UInt8](hash),
                        recordID: row[2],
                        related: Self.related(decoding: row[3])
                    )
                }
            }
            return found
        }
    }

    /// Upserts, then remembers the sources whose record that upsert left live; see
    /// ``SourceHashStore``.
    ///
    /// Two transactions: the fingerprints commit after the records, so a crash in between only
    /// costs mapping those sources again. Each fingerprint keeps its record's hash as it is
    /// then, read in the same statement.
    public func upsert(batches: [RecordBatch], sources: [SourceHash], integrationID: String, at now: Int64)
        async throws -> UpsertResult
    {
        let result = try await self.upsert(batches: batches, integrationID: integrationID, at: now)
        try await self.remember(sources, integrationID: integrationID)
        return result
    }

    /// The same for batches already encoded; see ``SourceHashStore``.
    public func upsert(encoded: [EncodedBatch], sources: [SourceHash], integrationID: String, at now: Int64)
        async throws -> UpsertResult
    {
        let result = try await self.upsert(encoded: encoded, [:], integrationID, now)
        try await self.remember(sources, integrationID: integrationID)
        return result
    }

    /// Remembers the sources whose record is live, with its hash as it is now.
    private func remember(_ sources: [SourceHash], integrationID: String) async throws {
        guard !sources.isEmpty else { return }
        let rows = sources.map { source in
            (source, Self.related(encoding: source.related))
        }
        try await self.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO source_hashes (integration_id, model, remote_id, hash, record_id, record_hash, related)
                    SELECT ?1, ?2, ?3, ?4, id, hash, ?5 FROM records
                    WHERE integration_id = ?1 AND model = ?2 AND id = ?6 AND remote_deleted_at IS NULL
                    ON CONFLICT (integration_id, model, remote_id) DO UPDATE SET
                        hash = excluded.hash, record_id = excluded.record_id, record_hash = excluded.record_hash,
                        related = excluded.related
                    """
            )
            // Bound with the C API: GRDB's arguments box every value, per fingerprint.
            let handle = statement.sqliteStatement
            for (source, related) in rows {
                var binder = StatementBinder(handle)
                binder.text(integrationID)
                binder.integer(Int64(source.model.rawValue))
                binder.text(source.remoteID)
                binder.blob(source.hash)
                binder.text(related)
                binder.text(source.recordID)
                try StatementBinder.execute(handle, failure: "remembering source fingerprints failed")
            }
        }
    }

    /// Related ids as text: `model:id` pairs separated by spaces (ids are base58, model numbers
    /// decimal), ordered by model.
    private static func related(encoding related: [Model: [String]]) -> String {
        related.sorted { $0.key.rawValue < $1.key.rawValue }
            .flatMap { model, ids in ids.map { "\(model.rawValue):\($0)" } }
            .joined(separator: " ")
    }

    private static func related(decoding text: String) -> [Model: [String]] {
        var related: [Model: [String]] = [:]
        for pair in text.split(separator: " ") {
            guard let colon = pair.firstIndex(of: ":"), let raw = Int32(pair[..<colon]) else { continue }
            related[Model(rawValue: raw), default: []].append(String(pair[pair.index(after: colon)...]))
        }
        return related
    }
}

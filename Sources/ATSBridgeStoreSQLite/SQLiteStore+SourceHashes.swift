public import ATSBridgeCore
public import ATSBridgeProto
import ATSBridgeStoreRules
import Foundation
import GRDB

extension SQLiteStore {
    /// Trusted source fingerprints (see ``SourceHashStore``): the record each was written with is
    /// present under the source's remote id, live and has the hash it had then.
    public func sourceHashes(integrationID: String, model: Model, remoteIDs: [String]) async throws
        -> [String: SourceHash]
    {
        guard !remoteIDs.isEmpty else { return [:] }
        return try await self.read { db in
            var found: [String: SourceHash] = [:]
            found.reserveCapacity(remoteIDs.count)
            for chunk in Array(Set(remoteIDs)).chunked(500) {
                // Read with SQLite's C API: a full re-sync looks up every source it lists, and
                // GRDB's rows cost more than the lookup itself.
                let statement = try db.cachedStatement(sql: Self.sourceLookupSQL(remoteIDs: chunk.count))
                let handle = statement.sqliteStatement
                var binder = StatementBinder(handle)
                binder.text(integrationID)
                binder.integer(Int64(model.rawValue))
                for remoteID in chunk { binder.text(remoteID) }
                try StatementBinder.forEachRow(handle, failure: "reading source fingerprints failed") {
                    let remoteID = Self.text(handle, 0) ?? ""
                    found[remoteID] = SourceHash(
                        model: model,
                        remoteID: remoteID,
                        hash: Array(Self.bytes(handle, 1)),
                        recordID: Self.text(handle, 2) ?? "",
                        related: Self.related(decoding: Self.bytes(handle, 3))
                    )
                }
            }
            return found
        }
    }

    /// The trusted fingerprints among `remoteIDs` remote ids (bound after the integration and
    /// model). The record is found through `records_remote_id` (`+` keeps SQLite off the key
    /// index): a page's remote ids are neighbours there, while its record ids are hashes spread
    /// over the whole key index, a page of it read per source (a third of a no-change re-sync's
    /// lookup time).
    static func sourceLookupSQL(remoteIDs: Int) -> String {
        """
        SELECT s.remote_id, s.hash, s.record_id, s.related FROM source_hashes AS s
        JOIN records AS r
          ON r.integration_id = s.integration_id AND r.model = s.model AND r.remote_id = s.remote_id
          AND +r.id = s.record_id
        WHERE s.integration_id = ? AND s.model = ? AND s.remote_id IN \(Self.placeholders(remoteIDs))
          AND r.hash = s.record_hash AND r.remote_deleted_at IS NULL
        """
    }

    /// Upserts, then remembers the sources whose record that upsert left live; see
    /// ``SourceHashStore``.
    ///
    /// Two transactions (the upsert may run its lookup before its rows are encoded): the
    /// fingerprints commit after the records, so a crash in between only costs mapping those
    /// sources again. Each fingerprint keeps its record's hash as it is then, read in the same
    /// statement.
    public func upsert(batches: [RecordBatch], sources: [SourceHash], integrationID: String, at now: Int64)
        async throws -> UpsertResult
    {
        let result = try await self.upsert(batches: batches, integrationID: integrationID, at: now)
        let sources = EncodedSources(sources, written: [])
        if !sources.all.isEmpty {
            try await self.write { db in try Self.remember(db, sources, integrationID: integrationID) }
        }
        return result
    }

    /// The same for batches already encoded; see ``SourceHashStore``.
    ///
    /// One transaction: the records, then their fingerprints. A fingerprint whose record is
    /// among the rows takes that row's hash (what the upsert left stored, paired before the
    /// transaction by ``EncodedSources``) without reading the record back; any other is checked
    /// against the store.
    public func upsert(encoded: [EncodedBatch], sources: EncodedSources, integrationID: String, at now: Int64)
        async throws -> UpsertResult
    {
        guard !encoded.isEmpty || !sources.all.isEmpty else { return UpsertResult() }
        return try await self.write { db in
            let result = try Self.upsert(db, encoded, integrationID, now)
            try Self.remember(db, sources, integrationID: integrationID)
            return result
        }
    }

    /// Remembers sources inside the caller's transaction, after their rows were upserted in it.
    private static func remember(_ db: Database, _ sources: EncodedSources, integrationID: String) throws {
        try Self.sourceInsert.run(db, sources.written) { binder, written in
            binder.text(integrationID)
            binder.integer(Int64(written.source.model.rawValue))
            binder.text(written.source.remoteID)
            binder.blob(written.source.hash)
            binder.text(written.source.recordID)
            binder.blob(written.recordHash)
            binder.text(Self.related(encoding: written.source.related))
        }
        guard !sources.others.isEmpty else { return }
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
        for source in sources.others {
            var binder = StatementBinder(handle)
            binder.text(integrationID)
            binder.integer(Int64(source.model.rawValue))
            binder.text(source.remoteID)
            binder.blob(source.hash)
            binder.text(Self.related(encoding: source.related))
            binder.text(source.recordID)
            try StatementBinder.execute(handle, failure: "remembering source fingerprints failed")
        }
    }

    /// Multi-row upsert of fingerprints whose record hash is known; a remote id given twice in
    /// one statement takes the last (`ON CONFLICT` applies row by row).
    private static let sourceInsert = BulkInsert(
        prefix: """
            INSERT INTO source_hashes (integration_id, model, remote_id, hash, record_id, record_hash, related)
            """,
        width: 7,
        suffix: """
             ON CONFLICT (integration_id, model, remote_id) DO UPDATE SET
                hash = excluded.hash, record_id = excluded.record_id, record_hash = excluded.record_hash,
                related = excluded.related
            """
    )

    /// Related ids as text: `model:id` pairs separated by spaces (ids are base58, model numbers
    /// decimal), ordered by model.
    private static func related(encoding related: [Model: [String]]) -> String {
        related.sorted { $0.key.rawValue < $1.key.rawValue }
            .flatMap { model, ids in ids.map { "\(model.rawValue):\($0)" } }
            .joined(separator: " ")
    }

    /// Reads what ``related(encoding:)`` wrote, from its bytes: a re-sync reads one list per
    /// source it lists, and splitting a `String` would walk it by grapheme.
    private static func related(decoding text: UnsafeRawBufferPointer) -> [Model: [String]] {
        var related: [Model: [String]] = [:]
        for pair in text.split(separator: UInt8(ascii: " ")) {
            guard let colon = pair.firstIndex(of: UInt8(ascii: ":")),
                let raw = Self.int32(UnsafeRawBufferPointer(rebasing: pair[..<colon]))
            else { continue }
            let id = UnsafeRawBufferPointer(rebasing: pair[(colon + 1)...])
            related[Model(rawValue: raw), default: []].append(String(decoding: id, as: UTF8.self))
        }
        return related
    }

    /// The model number `related(encoding:)` wrote (any `Int32`, an unrecognized model's
    /// too), as `Int32(_:)` reads it from text: an optional sign, then digits, within range.
    private static func int32(_ digits: UnsafeRawBufferPointer) -> Int32? {
        var rest = digits[...]
        let negative = rest.first == UInt8(ascii: "-")
        if negative || rest.first == UInt8(ascii: "+") { rest = rest.dropFirst() }
        guard !rest.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in rest {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            guard value <= Int64(Int32.max) + 1 else { return nil }
        }
        return Int32(exactly: negative ? -value : value)
    }
}

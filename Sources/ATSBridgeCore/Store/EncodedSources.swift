import ATSBridgeProto

/// Sources' fingerprints as a store remembers them after upserting encoded batches
/// (``SourceHashStore/upsert(encoded:sources:integrationID:at:)``): one per source, the last
/// given of each remote id (by its bytes), each paired with what that upsert leaves of its
/// record when the record is among the rows.
///
/// Like the rows themselves (``EncodedBatch``), a sync prepares them while the store still
/// writes the previous transaction, so that the store's single writer only writes them.
public struct EncodedSources: Sendable {
    /// A source whose record is among the rows and live: remembered with the row's hash.
    public struct Written: Sendable {
        /// The source.
        public let source: SourceHash
        /// The hash its record has once the rows are upserted.
        public let recordHash: [UInt8]
    }

    /// Sources whose record is among the rows, live, in the order given.
    public let written: [Written]
    /// Sources whose record is not among the rows, in the order given: the store remembers
    /// them only if it holds their record live, with the hash it has then.
    public let others: [SourceHash]
    /// Every source that may be remembered (the last of each), in the order given. A source
    /// whose record the rows mark deleted is left out: it is mapped again next time.
    public let all: [SourceHash]

    /// Pairs `sources` with the rows of `batches`; of a source given twice (same model and
    /// remote id bytes), the last. A record in several batches is as the last one leaves it.
    public init(_ sources: [SourceHash], written batches: [EncodedBatch]) {
        // Marked by position, last first, so that no source is copied before it is kept.
        var given: Set<Key> = []
        var isLast = [Bool](repeating: false, count: sources.count)
        for index in sources.indices.reversed() {
            isLast[index] =
                given.insert(Key(model: sources[index].model, remoteID: ExactID(sources[index].remoteID)))
                .inserted
        }
        var written: [Written] = []
        var others: [SourceHash] = []
        var all: [SourceHash] = []
        written.reserveCapacity(given.count)
        all.reserveCapacity(given.count)
        for index in sources.indices where isLast[index] {
            if let row = Self.row(of: sources[index], in: batches) {
                guard row.live else { continue }
                written.append(Written(source: sources[index], recordHash: row.hash))
            } else {
                others.append(sources[index])
            }
            all.append(sources[index])
        }
        self.written = written
        self.others = others
        self.all = all
    }

    /// A source's key in a store: its model and remote id, by bytes (`String`'s `==` would take
    /// canonically equivalent ids for one, which a store's key does not).
    private struct Key: Hashable {
        var model: Model
        var remoteID: ExactID
    }

    /// The hash, and whether it is live, of the source's record as the last batch holding it
    /// leaves it stored; nil when no batch holds it. Reads the two fields in place (a copy of
    /// each row would retain and release every one of its fields).
    private static func row(of source: SourceHash, in batches: [EncodedBatch]) -> (hash: [UInt8], live: Bool)? {
        let id = source.recordID
        for batch in batches.reversed() where batch.model == source.model {
            let found = batch.rows.withUnsafeBufferPointer { rows in
                RecordRow.search(count: rows.count, order: { RecordRow.byteOrder(rows[$0].id, id) }).map {
                    (rows[$0].hash, rows[$0].remoteDeletedAt == nil)
                }
            }
            if let found { return found }
        }
        return nil
    }
}

/// A set of record ids compared by their bytes, as the stores' keys compare them: the ids a full
/// sync saw, which its tombstone pass looks every live record up in.
///
/// Ids of ``RecordID/length`` bytes (every id ``RecordID`` derives) are kept inline, three
/// 64-bit words each, so a lookup reads one hash bucket instead of following a pointer to a
/// string stored elsewhere on the heap; other ids are kept as strings.
public struct RecordIDSet: Sendable, Equatable, ExpressibleByArrayLiteral, Sequence {
    private var packed: Set<PackedID> = []
    private var others: Set<ExactID> = []

    /// An empty set.
    public init() {}

    /// The set of `ids`.
    public init<S: Sequence<String>>(_ ids: S) {
        self.formUnion(ids)
    }

    /// The set of the listed ids.
    public init(arrayLiteral ids: String...) {
        self.formUnion(ids)
    }

    /// How many distinct ids.
    public var count: Int { self.packed.count + self.others.count }

    /// Whether the set holds no id.
    public var isEmpty: Bool { self.packed.isEmpty && self.others.isEmpty }

    /// Adds `id`.
    public mutating func insert(_ id: String) {
        var id = id
        id.withUTF8 { bytes in
            if let packed = PackedID(UnsafeRawBufferPointer(bytes)) {
                self.packed.insert(packed)
            } else {
                self.others.insert(ExactID(String(decoding: bytes, as: UTF8.self)))
            }
        }
    }

    /// Adds every id of `ids`.
    public mutating func formUnion<S: Sequence<String>>(_ ids: S) {
        for id in ids { self.insert(id) }
    }

    /// Whether the set holds `id`.
    public func contains(_ id: String) -> Bool {
        var id = id
        return id.withUTF8 { self.contains(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Whether the set holds the id whose UTF-8 bytes are `bytes`, without making a string of
    /// them first (a store reads its ids as bytes).
    public func contains(utf8 bytes: UnsafeRawBufferPointer) -> Bool {
        if let packed = PackedID(bytes) { return self.packed.contains(packed) }
        return !self.others.isEmpty && self.others.contains(ExactID(String(decoding: bytes, as: UTF8.self)))
    }

    /// The ids, in no particular order: a string made of each id held inline.
    public var ids: [String] {
        var ids: [String] = []
        ids.reserveCapacity(self.count)
        for packed in self.packed { ids.append(packed.text) }
        for other in self.others { ids.append(other.text) }
        return ids
    }

    /// The ids, in no particular order (``ids``).
    public func makeIterator() -> IndexingIterator<[String]> {
        self.ids.makeIterator()
    }

    /// The number of ids (``count``).
    public var underestimatedCount: Int { self.count }
}

extension RecordIDSet {
    /// An id of exactly ``RecordID/length`` bytes, held in three words.
    fileprivate struct PackedID: Hashable, Sendable {
        var words: (UInt64, UInt64, UInt64)

        init?(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count == 24 else { return nil }
            self.words = (
                bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
            )
        }

        var text: String {
            withUnsafeBytes(of: self.words) { String(decoding: $0, as: UTF8.self) }
        }

        static func == (left: PackedID, right: PackedID) -> Bool {
            left.words.0 == right.words.0 && left.words.1 == right.words.1 && left.words.2 == right.words.2
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(self.words.0)
            hasher.combine(self.words.1)
            hasher.combine(self.words.2)
        }
    }
}

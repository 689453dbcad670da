import ATSBridgeCore

/// Matches ids read back from the store to their positions among ids in byte order (as
/// ``RecordRow/uniqueSorted(_:)`` and ``RecordRow/sortedRows(of:parts:)`` make them), by their
/// bytes: canonically equivalent ids that differ in bytes are different records.
public struct IDWalk {
    private let ids: [String]
    private var next = 0

    /// A walk over `ids`, which must be in byte order without repeats.
    public init(ids: [String]) {
        self.ids = ids
    }

    /// The position of id `bytes`, nil if it is not among the ids.
    ///
    /// Results that come in the ids' order (SQLite's key index order) are matched by walking
    /// forward; any other is found by a binary search.
    public mutating func position(of bytes: UnsafeRawBufferPointer) -> Int? {
        while self.next < self.ids.count {
            let order = RecordRow.byteOrder(self.ids[self.next], bytes)
            if order > 0 { break }
            self.next += 1
            if order == 0 { return self.next - 1 }
        }
        let ids = self.ids
        return RecordRow.search(count: ids.count) { RecordRow.byteOrder(ids[$0], bytes) }
    }
}

extension IDWalk {
    /// The position of `id`, nil if it is not among the ids.
    public mutating func position(of id: String) -> Int? {
        var id = id
        return id.withUTF8 { self.position(of: UnsafeRawBufferPointer($0)) }
    }
}

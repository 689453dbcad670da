import ATSBridgeProto

/// One page of records, kept in the wire form of a `…Page` message's items, so that a
/// streaming read sends it with one copy: each record is field 1 (tag, length, the record's
/// stored bytes with nested views).
public struct RecordPage: Sendable, Hashable {
    /// The records as consecutive field-1 entries of a page message.
    public private(set) var itemsWire: [UInt8]
    /// How many records the page holds.
    public private(set) var count: Int
    /// The cursor that resumes after this page, or `nil` on the last page.
    public var nextCursor: String?
    /// The page's bytes in the server's ``ReadMemoryBudget``, when read under one: hand it to
    /// whatever sends the page, which releases it once the bytes are written. Not part of the
    /// page's value (equality ignores it).
    public var memory: ReadMemoryCharge?

    /// Creates a page from encoded records.
    public init(records: [[UInt8]], nextCursor: String?) {
        var wire: [UInt8] = []
        wire.reserveCapacity(records.reduce(0) { $0 + $1.count + 4 })
        for record in records { ProtoWire.appendLengthDelimited(field: 1, record, to: &wire) }
        self.init(itemsWire: wire, count: records.count, nextCursor: nextCursor)
    }

    /// Creates a page from records already in wire form.
    ///
    /// - Parameters:
    ///   - itemsWire: `count` consecutive field-1 entries, each a valid encoding of the model.
    ///   - count: How many entries `itemsWire` holds.
    ///   - nextCursor: The resume cursor, or `nil` on the last page.
    public init(itemsWire: [UInt8], count: Int, nextCursor: String?) {
        self.itemsWire = itemsWire
        self.count = count
        self.nextCursor = nextCursor
    }

    /// The bytes a page of these records holds, as charged to a ``ReadMemoryBudget``.
    public var byteCount: Int { self.itemsWire.count + (self.nextCursor?.utf8.count ?? 0) }

    /// Charges the page's bytes to `budget`, if any.
    public mutating func charge(to budget: ReadMemoryBudget?) {
        self.memory = budget?.charge(self.byteCount)
    }

    /// The records, each as its own encoding (a copy: prefer ``encoded()`` to send a page).
    public var records: [[UInt8]] {
        guard let page = try? RawPage(itemsWire: self.itemsWire) else { return [] }
        return page.items
    }

    /// The page message's wire bytes: the items, then the cursor.
    /// Consuming: a page used only to be sent gives up its buffer instead of copying it.
    public consuming func encoded() -> [UInt8] {
        guard let cursor = self.nextCursor else { return self.itemsWire }
        var out = self.itemsWire
        self.itemsWire = []
        out.reserveCapacity(out.count + cursor.utf8.count + 6)
        ProtoWire.appendLengthDelimited(field: 2, Array(cursor.utf8), to: &out)
        return out
    }
}

extension RecordPage {
    /// Pages are equal when they hold the same records and cursor, whatever memory they hold.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.itemsWire == rhs.itemsWire && lhs.count == rhs.count && lhs.nextCursor == rhs.nextCursor
    }

    /// Hashes the records and cursor.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.itemsWire)
        hasher.combine(self.count)
        hasher.combine(self.nextCursor)
    }
}

/// The wire bytes of one message, in one or more parts.
///
/// proto2 merges the occurrences of a non-repeated message field: the merged message reads as
/// the concatenation of their bytes. Almost always there is one part (no allocation).
struct WireSegments {
    private let single: UnsafeRawBufferPointer
    private let many: [UnsafeRawBufferPointer]?

    /// One part.
    init(_ bytes: UnsafeRawBufferPointer) {
        self.single = bytes
        self.many = nil
    }

    private init(many: [UnsafeRawBufferPointer]) {
        self.single = UnsafeRawBufferPointer(start: nil, count: 0)
        self.many = many
    }

    /// The number of parts.
    var count: Int { self.many?.count ?? 1 }

    /// A part.
    subscript(index: Int) -> UnsafeRawBufferPointer { self.many?[index] ?? self.single }

    /// The message that a non-repeated message field holds: its one occurrence, or all of them
    /// to be read as one (`slot` is the field's first-pass slot).
    static func field(
        _ number: UInt32,
        slot: WireSlot,
        in segments: WireSegments,
        type: StaticString
    ) throws(ProtoCodecError) -> WireSegments {
        if slot.count == 1 { return WireSegments(slot.bytes) }
        var parts: [UnsafeRawBufferPointer] = []
        var scan = WireScan(segments, field: number, type: type)
        while try scan.next() != nil { parts.append(try scan.reader.lengthDelimited()) }
        return WireSegments(many: parts)
    }
}

/// Walks every occurrence of one field, in order, across a message's parts; after `next()`
/// returns a key, `reader` stands at that occurrence's value.
struct WireScan {
    private let segments: WireSegments
    private let field: UInt32
    private let type: StaticString
    private var index = 0
    /// The reader, at the value of the occurrence `next()` returned.
    var reader: WireReader

    /// A scan of `field` in `segments`.
    init(_ segments: WireSegments, field: UInt32, type: StaticString) {
        self.segments = segments
        self.field = field
        self.type = type
        self.reader = WireReader(segments[0], type: type)
    }

    /// The key of the next occurrence, or nil after the last.
    mutating func next() throws(ProtoCodecError) -> WireReader.Key? {
        while true {
            while let key = try self.reader.nextKey() {
                if key.number == self.field { return key }
                try self.reader.skip(key)
            }
            self.index += 1
            guard self.index < self.segments.count else { return nil }
            self.reader = WireReader(self.segments[self.index], type: self.type)
        }
    }

    /// Calls `body` with each scalar value of a repeated scalar field, packed or not;
    /// `wireType` is the field's own wire type.
    mutating func forEachScalar(
        wireType: UInt8,
        bool: Bool = false,
        _ body: (UInt64) -> Void
    ) throws(ProtoCodecError) {
        while let key = try self.next() {
            if key.wireType == 2, wireType != 2 {
                var run = WireReader(try self.reader.lengthDelimited(), type: self.type)
                while !run.isAtEnd { body(try run.scalar(wireType: wireType, bool: bool)) }
            } else {
                body(try self.reader.scalar(wireType: wireType, bool: bool))
            }
        }
    }
}

extension WireReader {
    /// True when every byte has been read.
    var isAtEnd: Bool { self.remaining == 0 }

    /// A scalar value of the given wire type.
    mutating func scalar(wireType: UInt8, bool: Bool) throws(ProtoCodecError) -> UInt64 {
        switch wireType {
        case 0: bool ? try self.varintBool() : try self.varint()
        case 1: try self.fixed(8)
        default: try self.fixed(4)
        }
    }
}

/// A page (`CandidatePage`, `JobPage`, …) turned into length-delimited records as it is
/// decoded: each item as a varint length and its bytes (`parseDelimitedFrom` in Java, Python,
/// Go, C#), the file format of `atsbridge export --format protobuf`. One copy, no allocation per
/// record.
///
/// Decoding checks the page's wire structure like ``RawPage``; the items are not decoded.
public struct DelimitedPage: ProtoMessage {
    /// The page's records, length-delimited, in order.
    public var delimited: [UInt8]
    /// How many records `delimited` holds.
    public var count: Int
    /// The resume cursor, or `nil` on the last page.
    public var nextCursor: String?

    /// The message name; every page has this shape.
    public static var protoName: String { "atsbridge.v1.DelimitedPage" }

    /// An empty last page.
    public init() {
        self.delimited = []
        self.count = 0
        self.nextCursor = nil
    }

    /// The page's wire bytes.
    public func encode() throws(ProtoCodecError) -> [UInt8] {
        var out: [UInt8] = []
        try self.encode(appendingTo: &out)
        return out
    }

    /// Appends the page's wire bytes: a delimited record is a page item without its tag.
    public func encode(appendingTo buffer: inout [UInt8]) throws(ProtoCodecError) {
        var position = 0
        while position < self.delimited.count {
            let start = position
            var length = 0
            var shift = 0
            while true {
                let byte = self.delimited[position]
                position += 1
                length |= Int(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            position += length
            buffer.append(0x0A)
            buffer += self.delimited[start..<position]
        }
        if let cursor = self.nextCursor { ProtoWire.appendLengthDelimited(field: 2, Array(cursor.utf8), to: &buffer) }
    }

    /// Converts a page's bytes into delimited records.
    ///
    /// - Throws: ``ProtoCodecError`` `tooLarge`, `malformed` (with the byte offset) or
    ///   `invalidUTF8` for the cursor.
    public init(decoding bytes: UnsafeRawBufferPointer, limits: DecodingLimits) throws(ProtoCodecError) {
        var delimited: [UInt8] = []
        delimited.reserveCapacity(bytes.count)
        var count = 0
        self.nextCursor = try PageWire.walk(bytes, limits: limits, type: Self.protoName) { item in
            ProtoWire.appendVarint(UInt64(item.count), to: &delimited)
            delimited.append(contentsOf: item)
            count += 1
        }
        self.delimited = delimited
        self.count = count
    }
}

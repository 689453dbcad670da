/// Builds the wire bytes of a page message (`CandidatePage`, `JobPage`, …) from records that
/// are already encoded, without decoding them.
///
/// Every `…Page` message has the same shape: `repeated <Model> items = 1; optional string
/// next_cursor = 2;`. So a page is the items, each as field 1 with its length, then the cursor.
/// This is how streaming reads send stored bytes as they are.
public enum EncodedPage {
    /// The encoded page.
    ///
    /// - Parameters:
    ///   - items: Valid encodings of the page's item type.
    ///   - nextCursor: The resume cursor, or `nil` on the last page.
    public static func encode(items: [[UInt8]], nextCursor: String?) -> [UInt8] {
        var size = 0
        for item in items { size += 1 + Self.varintSize(UInt64(item.count)) + item.count }
        let cursor = nextCursor.map { Array($0.utf8) }
        if let cursor { size += 1 + Self.varintSize(UInt64(cursor.count)) + cursor.count }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        for item in items {
            out.append(0x0A)
            Self.appendVarint(UInt64(item.count), to: &out)
            out.append(contentsOf: item)
        }
        if let cursor {
            out.append(0x12)
            Self.appendVarint(UInt64(cursor.count), to: &out)
            out.append(contentsOf: cursor)
        }
        return out
    }

    private static func varintSize(_ value: UInt64) -> Int {
        var value = value
        var size = 1
        while value >= 0x80 {
            value >>= 7
            size += 1
        }
        return size
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }
}

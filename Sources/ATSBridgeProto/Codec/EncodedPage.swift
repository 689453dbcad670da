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
        for item in items { size += 1 + ProtoWire.varintSize(UInt64(item.count)) + item.count }
        let cursor = nextCursor.map { Array($0.utf8) }
        if let cursor { size += 1 + ProtoWire.varintSize(UInt64(cursor.count)) + cursor.count }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        for item in items { ProtoWire.appendLengthDelimited(field: 1, item, to: &out) }
        if let cursor { ProtoWire.appendLengthDelimited(field: 2, cursor, to: &out) }
        return out
    }
}

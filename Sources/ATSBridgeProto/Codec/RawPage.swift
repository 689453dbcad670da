/// A page (`CandidatePage`, `JobPage`, …) whose items are kept encoded: exports that write
/// protobuf pass records through without decoding them.
///
/// Decoding checks the page's wire structure (tags, lengths, a UTF-8 cursor) but not the items;
/// decode an item with its model type when its fields are needed.
public struct RawPage: ProtoMessage {
    /// The page's records, each a valid encoding of the page's item type as the server sent it.
    public var items: [[UInt8]]
    /// The resume cursor, or `nil` on the last page.
    public var nextCursor: String?

    /// The message name; every page has this shape.
    public static var protoName: String { "atsbridge.v1.RawPage" }

    /// An empty last page.
    public init() {
        self.items = []
        self.nextCursor = nil
    }

    /// A page of encoded items.
    public init(items: [[UInt8]], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// The page's wire bytes.
    public func encode() throws(ProtoCodecError) -> [UInt8] {
        EncodedPage.encode(items: self.items, nextCursor: self.nextCursor)
    }

    /// Appends the page's wire bytes.
    public func encode(appendingTo buffer: inout [UInt8]) throws(ProtoCodecError) {
        buffer += EncodedPage.encode(items: self.items, nextCursor: self.nextCursor)
    }

    /// Splits a page into its items and cursor.
    ///
    /// - Throws: ``ProtoCodecError`` `tooLarge`, `malformed` (with the byte offset) or
    ///   `invalidUTF8` for the cursor.
    public init(decoding bytes: UnsafeRawBufferPointer, limits: DecodingLimits) throws(ProtoCodecError) {
        self.init()
        var items: [[UInt8]] = []
        self.nextCursor = try PageWire.walk(bytes, limits: limits, type: Self.protoName) { item in
            items.append(Array(item))
        }
        self.items = items
    }
}

/// The wire structure every `…Page` message shares: field 1 items, field 2 the cursor.
enum PageWire {
    /// Checks a page's wire structure (tags, lengths, a UTF-8 cursor), calling `item` with each
    /// item's bytes in order; returns the cursor.
    static func walk(
        _ bytes: UnsafeRawBufferPointer,
        limits: DecodingLimits,
        type: String,
        item: (UnsafeRawBufferPointer) -> Void
    ) throws(ProtoCodecError) -> String? {
        guard bytes.count <= limits.maxBytes else {
            throw ProtoCodecError(
                code: .tooLarge,
                message: "\(bytes.count) bytes exceed the limit of \(limits.maxBytes)",
                messageType: type
            )
        }
        var cursor: String?
        var position = 0
        func malformed(_ what: String) -> ProtoCodecError {
            ProtoCodecError(code: .malformed, message: "\(what) at byte \(position)", messageType: type)
        }
        func varint() throws(ProtoCodecError) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while position < bytes.count, shift < 64 {
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            throw malformed("a truncated varint")
        }
        while position < bytes.count {
            let key = try varint()
            let (field, wire) = (key >> 3, key & 7)
            switch wire {
            case 0:
                _ = try varint()
            case 1, 5:
                position += wire == 1 ? 8 : 4
                guard position <= bytes.count else { throw malformed("a truncated fixed field") }
            case 2:
                let length = try varint()
                guard length <= UInt64(bytes.count - position) else { throw malformed("a length past the end") }
                let value = UnsafeRawBufferPointer(rebasing: bytes[position..<position + Int(length)])
                position += Int(length)
                if field == 1 {
                    item(value)
                } else if field == 2 {
                    guard let text = String(validating: value, as: UTF8.self) else {
                        throw ProtoCodecError(
                            code: .invalidUTF8,
                            message: "next_cursor is not UTF-8",
                            messageType: type,
                            field: "next_cursor"
                        )
                    }
                    cursor = text
                }
            default:
                throw malformed("wire type \(wire)")
            }
        }
        return cursor
    }
}

extension RawPage {
    /// Splits a page's trusted items (field-1 entries, as a store builds them) into records.
    ///
    /// - Throws: ``ProtoCodecError`` `malformed` when the bytes are not field-1 entries.
    public init(itemsWire: [UInt8]) throws(ProtoCodecError) {
        let result: Result<RawPage, ProtoCodecError> = itemsWire.withUnsafeBytes { raw in
            Result { () throws(ProtoCodecError) -> RawPage in
                var limits = DecodingLimits()
                limits.maxBytes = raw.count
                return try RawPage(decoding: raw, limits: limits)
            }
        }
        self = try result.get()
    }
}

/// Low-level protobuf wire writing, for composing messages from parts already encoded
/// (a stored record plus its nested views) without decoding them.
///
/// Protobuf parsers accept fields in any order and append repeated fields, so appending a
/// field's encoding to a message's bytes yields the message with that field set.
public enum ProtoWire {
    /// Appends a length-delimited field (a string, bytes or nested message).
    public static func appendLengthDelimited(field: UInt32, _ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        self.appendVarint(UInt64(field) << 3 | 2, to: &out)
        self.appendVarint(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    /// Appends a varint field (int64, int32, bool, enum).
    public static func appendVarintField(field: UInt32, _ value: Int64, to out: inout [UInt8]) {
        self.appendVarint(UInt64(field) << 3, to: &out)
        self.appendVarint(UInt64(bitPattern: value), to: &out)
    }

    /// Appends a base-128 varint.
    public static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    /// The size of a varint.
    public static func varintSize(_ value: UInt64) -> Int {
        var value = value
        var size = 1
        while value >= 0x80 {
            value >>= 7
            size += 1
        }
        return size
    }
}

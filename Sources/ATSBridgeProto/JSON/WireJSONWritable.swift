/// A message whose JSON can be written straight from its protobuf wire bytes, without decoding
/// it into Swift values (the NDJSON and CSV exports' hot path). The generated transcoders read
/// the bytes once to find each field's occurrences, then write the fields in declared order.
public protocol WireJSONWritable: JSONWritable {
    /// Appends the JSON of the message encoded in `wire`: byte for byte what ``writeJSON(to:)``
    /// writes for the decoded message (proto2 rules: the last occurrence of a non-repeated field
    /// wins, repeated fields append, non-repeated messages merge; unknown fields are skipped).
    ///
    /// - Throws: ``ProtoCodecError`` `tooLarge` past `limits.maxBytes`; `malformed` for broken
    ///   wire structure, a wrong wire type or a NUL in a string; `missingRequiredField`;
    ///   `invalidUTF8`; `allocationBudgetExceeded` when the JSON would grow past the decode's
    ///   allocation budget. On error nothing is appended.
    static func writeJSON(
        wire: UnsafeRawBufferPointer,
        to json: inout ProtoJSONWriter,
        limits: DecodingLimits
    ) throws(ProtoCodecError)
}

extension WireReader {
    /// A zigzag-encoded `sint32`.
    static func zigzag32(_ value: UInt64) -> Int32 {
        let bits = UInt32(truncatingIfNeeded: value)
        return Int32(bitPattern: (bits >> 1) ^ (0 &- (bits & 1)))
    }

    /// A zigzag-encoded `sint64`.
    static func zigzag64(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }
}

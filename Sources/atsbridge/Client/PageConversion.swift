import ATSBridgeProto

/// Turns a page of records, kept in their wire form, into NDJSON or CSV without decoding them
/// into Swift values.
enum PageConversion {
    /// Pages smaller than this are converted on one core: splitting costs more than it saves.
    static let parallelBytes = 64 << 10

    /// The page as NDJSON. A large page is converted in two halves at once (one per core),
    /// joined in order.
    static func ndjson<M: WireJSONWritable>(_ page: DelimitedPage, as type: M.Type) async throws -> [UInt8] {
        guard page.delimited.count >= self.parallelBytes else { return try self.ndjson(page, in: nil, as: type) }
        let middle = page.middleOffset
        async let first = self.ndjson(page, in: 0..<middle, as: type)
        let second = try self.ndjson(page, in: middle..<page.delimited.count, as: type)
        return try await first + second
    }

    private static func ndjson<M: WireJSONWritable>(
        _ page: DelimitedPage,
        in range: Range<Int>?,
        as type: M.Type
    ) throws(ProtoCodecError) -> [UInt8] {
        var json = ProtoJSONWriter()
        json.reserveCapacity(page.delimited.count * 3)
        try page.writeNDJSON(as: type, in: range, to: &json)
        return json.bytes
    }

    /// The page as CSV rows (the header is written once, by the caller).
    static func csv<M: WireJSONWritable>(_ page: DelimitedPage, as type: M.Type) throws(ProtoCodecError) -> [UInt8] {
        var out: [UInt8] = []
        var json = ProtoJSONWriter()
        try page.forEachRecord { (record) throws(ProtoCodecError) in
            json.reset()
            try M.writeJSON(wire: record, to: &json, limits: .default)
            out += Array((CSV.row(json.bytes, columns: M.jsonFieldNames) + "\n").utf8)
        }
        return out
    }
}

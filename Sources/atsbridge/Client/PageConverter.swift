import ATSBridgeProto

/// Turns pages of records, kept in their wire form, into NDJSON or CSV without decoding them
/// into Swift values. Its buffers are reused from page to page.
struct PageConverter {
    /// Pages smaller than this are converted on one core: splitting costs more than it saves.
    static let parallelBytes = 64 << 10

    private var json = ProtoJSONWriter()
    private var joined: [UInt8] = []
    private var isJoined = false

    /// The last page converted.
    var output: [UInt8] { self.isJoined ? self.joined : self.json.bytes }

    /// Converts a page into NDJSON in ``output``. A large page is converted in two halves at
    /// once (one per core), joined in order, unless `parallel` is false.
    mutating func ndjson<M: WireJSONWritable>(
        _ page: DelimitedPage,
        as type: M.Type,
        parallel: Bool
    ) async throws {
        self.json.reset()
        self.isJoined = parallel && page.delimited.count >= Self.parallelBytes
        guard self.isJoined else { return try page.writeNDJSON(as: type, to: &self.json) }
        let middle = page.middleOffset
        async let first = Self.ndjson(page, in: 0..<middle, as: M.self)
        try page.writeNDJSON(as: type, in: middle..<page.delimited.count, to: &self.json)
        let head = try await first
        self.joined.removeAll(keepingCapacity: true)
        self.joined += head
        self.joined += self.json.bytes
    }

    /// Part of a page as NDJSON, in a fresh buffer (it runs in a child task).
    private static func ndjson<M: WireJSONWritable>(
        _ page: DelimitedPage,
        in range: Range<Int>,
        as type: M.Type
    ) throws(ProtoCodecError) -> [UInt8] {
        var json = ProtoJSONWriter()
        json.reserveCapacity(range.count * 3)
        try page.writeNDJSON(as: type, in: range, to: &json)
        return json.bytes
    }

    /// Converts a page into CSV rows in ``output`` (the header is written once, by the caller).
    mutating func csv<M: WireJSONWritable>(_ page: DelimitedPage, as type: M.Type) throws(ProtoCodecError) {
        self.isJoined = true
        self.joined.removeAll(keepingCapacity: true)
        try page.forEachRecord { (record) throws(ProtoCodecError) in
            self.json.reset()
            try M.writeJSON(wire: record, to: &self.json, limits: .default)
            self.joined += Array((CSV.row(self.json.bytes, columns: M.jsonFieldNames) + "\n").utf8)
        }
    }
}

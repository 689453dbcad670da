extension DelimitedPage {
    /// The byte offset in ``delimited`` of the record boundary nearest the middle, to convert
    /// a page's two halves in parallel.
    public var middleOffset: Int {
        var position = 0
        let half = self.delimited.count / 2
        while position < half, let record = self.record(at: position) { position = record.upperBound }
        return position
    }

    /// Calls `body` with the bytes of each record that starts in `range` (byte offsets in
    /// ``delimited``, on record boundaries; all records by default), in order.
    public func forEachRecord<E: Error>(
        in range: Range<Int>? = nil,
        _ body: (UnsafeRawBufferPointer) throws(E) -> Void
    ) throws(E) {
        let range = range ?? 0..<self.delimited.count
        let result: Result<Void, E> = self.delimited.withUnsafeBytes { bytes in
            Result { () throws(E) in
                var position = range.lowerBound
                while position < range.upperBound, let record = self.record(at: position) {
                    try body(UnsafeRawBufferPointer(rebasing: bytes[record]))
                    position = record.upperBound
                }
            }
        }
        try result.get()
    }

    /// Appends the records starting in `range` (all by default) as NDJSON: one JSON object
    /// and a newline per record, straight from their wire bytes.
    ///
    /// - Throws: ``ProtoCodecError`` from ``WireJSONWritable/writeJSON(wire:to:limits:)``.
    public func writeNDJSON<M: WireJSONWritable>(
        as type: M.Type,
        in range: Range<Int>? = nil,
        to json: inout ProtoJSONWriter,
        limits: DecodingLimits = .default
    ) throws(ProtoCodecError) {
        try self.forEachRecord(in: range) { (record) throws(ProtoCodecError) in
            try M.writeJSON(wire: record, to: &json, limits: limits)
            json.endLine()
        }
    }

    /// The bytes of the record whose length starts at `position`, nil at the end or on a
    /// broken length.
    private func record(at position: Int) -> Range<Int>? {
        var position = position
        var length = 0
        var shift = 0
        while position < self.delimited.count, shift < 64 {
            let byte = self.delimited[position]
            position += 1
            length |= Int(byte & 0x7F) << shift
            if byte < 0x80 {
                guard length >= 0, length <= self.delimited.count - position else { return nil }
                return position..<position + length
            }
            shift += 7
        }
        return nil
    }
}

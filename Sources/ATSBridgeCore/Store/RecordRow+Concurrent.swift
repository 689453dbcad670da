extension RecordRow {
    /// Below this many records a batch is encoded on the calling task alone.
    static let concurrentThreshold = 256

    /// The rows of a batch sorted by id, one per id (the batch's last when it names a record
    /// twice, as if upserted in order), encoded and hashed on up to `parts` tasks at once (each
    /// row costs an encode and a SHA-256; a sync batch of 1,000 keeps two cores busy for about a
    /// millisecond each instead of one for two).
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` as ``rows(of:)``.
    public static func sortedRows(of batch: RecordBatch, parts: Int = 2) async throws -> [RecordRow] {
        let count = batch.count
        guard parts > 1, count >= Self.concurrentThreshold else {
            return Self.lastOfEach(try self.rows(of: batch).sorted { $0.id < $1.id })
        }
        let size = (count + parts - 1) / parts
        let ranges = stride(from: 0, to: count, by: size).map { $0..<min(count, $0 + size) }
        var parts = [[RecordRow]](repeating: [], count: ranges.count)
        try await withThrowingTaskGroup(of: (Int, [RecordRow]).self) { group in
            for (index, range) in ranges.enumerated() {
                let slice = batch.slice(range)
                group.addTask { (index, try Self.rows(of: slice).sorted { $0.id < $1.id }) }
            }
            for try await (index, rows) in group { parts[index] = rows }
        }
        return Self.lastOfEach(Self.merge(parts))
    }

    /// Id-sorted rows with one row per id, the last: the sorts and the merge keep a batch's order
    /// among equal ids, and one multi-row INSERT may not name a key twice.
    static func lastOfEach(_ rows: [RecordRow]) -> [RecordRow] {
        var unique: [RecordRow] = []
        unique.reserveCapacity(rows.count)
        for row in rows {
            if unique.last?.id == row.id {
                unique[unique.count - 1] = row
            } else {
                unique.append(row)
            }
        }
        return unique
    }

    /// Merges id-sorted runs into one id-sorted array.
    private static func merge(_ runs: [[RecordRow]]) -> [RecordRow] {
        var merged: [RecordRow] = []
        merged.reserveCapacity(runs.reduce(0) { $0 + $1.count })
        var positions = [Int](repeating: 0, count: runs.count)
        while true {
            var best: Int?
            for run in runs.indices where positions[run] < runs[run].count {
                if let current = best, runs[current][positions[current]].id <= runs[run][positions[run]].id { continue }
                best = run
            }
            guard let best else { return merged }
            merged.append(runs[best][positions[best]])
            positions[best] += 1
        }
    }
}

internal import ATSBridgeProto

extension RecordRow {
    /// Below this many records a batch is encoded on the calling task alone.
    static let concurrentThreshold = 256

    /// The rows of a batch sorted by id bytes (``byteOrder(_:_:)-(String,String)``), one per id (the batch's last when it names a record
    /// twice, as if upserted in order), encoded and hashed on up to `parts` tasks at once (each
    /// row costs an encode and a SHA-256; a sync batch of 1,000 keeps two cores busy for about a
    /// millisecond each instead of one for two).
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` as ``rows(of:)``.
    public static func sortedRows(of batch: RecordBatch, parts: Int = 2) async throws -> [RecordRow] {
        let count = batch.count
        guard parts > 1, count >= Self.concurrentThreshold else {
            return Self.lastOfEach([Self.idOrdered(try self.rows(of: batch))])
        }
        let size = (count + parts - 1) / parts
        let ranges = stride(from: 0, to: count, by: size).map { $0..<min(count, $0 + size) }
        var runs = [OrderedRows](repeating: OrderedRows(rows: [], order: []), count: ranges.count)
        try await withThrowingTaskGroup(of: (Int, OrderedRows).self) { group in
            for (index, range) in ranges.enumerated() {
                group.addTask { (index, Self.idOrdered(try Self.rows(of: batch, in: range))) }
            }
            for try await (index, run) in group { runs[index] = run }
        }
        return Self.lastOfEach(consume runs)
    }

    /// Texts in byte order (``byteOrder(_:_:)-(String,String)``), without repeats: a candidate's
    /// address keys, and the ids of ``sortedRows(of:parts:)``'s rows for a batch's ids (which a
    /// store can look up before the rows are encoded). Few values (a candidate's addresses) need
    /// no sort.
    public static func uniqueSorted(_ values: [String]) -> [String] {
        if values.count < 2 { return values }
        if values.count == 2 {
            let order = Self.byteOrder(values[0], values[1])
            return order < 0 ? values : order > 0 ? [values[1], values[0]] : [values[0]]
        }
        var unique: [String] = []
        unique.reserveCapacity(values.count)
        for position in Self.byteOrderedPositions(values) {
            let value = values[position]
            if let last = unique.last, Self.byteOrder(last, value) == 0 { continue }
            unique.append(value)
        }
        return unique
    }

    /// Rows with the order that sorts them by id bytes, the order of the stores' key index
    /// (stable: equal ids keep the batch's order).
    /// Sorting positions instead of the rows themselves keeps the sort from moving each row,
    /// some 300 bytes, a dozen times.
    struct OrderedRows: Sendable {
        var rows: [RecordRow]
        var order: [Int]
    }

    /// `rows` with their id order.
    static func idOrdered(_ rows: [RecordRow]) -> OrderedRows {
        OrderedRows(rows: rows, order: Self.byteOrderedPositions(rows.map(\.id)))
    }

    /// Merges runs (given in batch order) into one id-sorted array with one row per id, the last
    /// in batch order: one multi-row INSERT may not name a key twice.
    ///
    /// Each row is moved out of its run, leaving ``vacant`` behind: a copy would retain each of
    /// a row's twenty-odd texts and arrays, and freeing the runs release them again.
    static func lastOfEach(_ runs: consuming [OrderedRows]) -> [RecordRow] {
        var merged: [RecordRow] = []
        merged.reserveCapacity(runs.reduce(0) { $0 + $1.rows.count })
        var positions = [Int](repeating: 0, count: runs.count)
        while true {
            // The smallest id at the runs' heads; among equal ids the earlier run's first, so
            // that the later one (later in the batch) replaces it.
            var best: Int?
            for run in runs.indices where positions[run] < runs[run].order.count {
                if let current = best,
                    Self.byteOrder(Self.id(runs, current, positions), Self.id(runs, run, positions)) <= 0
                {
                    continue
                }
                best = run
            }
            guard let best else { return merged }
            var row = Self.vacant
            swap(&row, &runs[best].rows[runs[best].order[positions[best]]])
            positions[best] += 1
            // The last row's id alone: `merged.last` would copy the whole row to read it.
            if !merged.isEmpty, Self.byteOrder(merged[merged.count - 1].id, row.id) == 0 {
                merged[merged.count - 1] = consume row
            } else {
                merged.append(consume row)
            }
        }
    }

    /// What a row moved out of a run leaves in its place.
    private static let vacant = RecordRow(model: .user, id: "", remoteID: nil, data: [])

    /// The id at the head of a run.
    private static func id(_ runs: [OrderedRows], _ run: Int, _ positions: [Int]) -> String {
        runs[run].rows[runs[run].order[positions[run]]].id
    }
}

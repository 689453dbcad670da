public import ATSBridgeCore
public import ATSBridgeProto

/// The decisions of one model's upsert, made from the batch's rows and what was stored before,
/// with no database access: which rows to write (and whether each is new), what the result
/// reports, which parents to touch and which kept views go stale.
///
/// A backend fetches ``StoredState`` for the rows' ids, builds the plan, and then, in one
/// transaction: writes ``writes`` (setting `changed_at` and `touched_at` to the write's time and
/// clearing the kept view), clears the views of ``staleViews``, logs ``result``'s created and
/// changed ids, and applies ``touches`` (``ParentTouches/targets(skipping:)`` with
/// ``writtenIDs``).
public struct UpsertPlan: Sendable {
    /// A row to write.
    public struct Write: Sendable {
        /// The row's position in the planned rows. A position, not a copy of the row: copying
        /// a row retains each of its texts and blobs, which the writer's thread then paid for
        /// every record of a first sync (the rows come from other threads' caches).
        public var position: Int
        /// Whether no record with its id existed (an insert, not an update).
        public var isNew: Bool
    }

    /// The rows to write, in the batch's order.
    public private(set) var writes: [Write] = []
    /// What the upsert did.
    public private(set) var result = UpsertResult()
    /// Parents whose nested data changed.
    public private(set) var touches = ParentTouches()
    /// Kept views the writes make stale.
    public private(set) var staleViews = StaleViews()

    /// Plans the upsert of `rows` of `model`; `stored` holds what exists of them, by id.
    public init(model: Model, rows: [RecordRow], stored: [String: StoredState]) {
        self.init(model: model, rows: rows, storedByPosition: rows.map { stored[$0.id] })
    }

    /// Plans the upsert of `rows` of `model`; `storedByPosition[i]` is what exists of
    /// `rows[i]`, nil if nothing (a backend that reads the stored rows in the rows' order needs
    /// no dictionary of ids).
    public init(model: Model, rows: [RecordRow], storedByPosition: [StoredState?]) {
        precondition(storedByPosition.count == rows.count, "one stored state per row")
        self.writes.reserveCapacity(rows.count)
        // Through a buffer: reading a row's fields in place, where an array's subscript could
        // copy the whole row (retaining each of its texts) on the writer's thread.
        rows.withUnsafeBufferPointer { rows in
            for position in rows.indices {
                let old = storedByPosition[position]
                if let old, Self.isUnchanged(rows[position], old) {
                    self.result.unchanged += 1
                    continue
                }
                self.writes.append(Write(position: position, isNew: old == nil))
                let id = rows[position].id
                if old == nil {
                    self.result.created.append(id)
                } else {
                    self.result.changed.append(id)
                }
                let (candidateID, jobID) = (rows[position].candidateID, rows[position].jobID)
                self.touches.recordWritten(model, id: id, candidateID: candidateID, jobID: jobID, stored: old)
                self.staleViews.recordChanged(model, id: id, candidateID: candidateID, jobID: jobID)
                if let old, old.candidateID != candidateID || old.jobID != jobID {
                    self.staleViews.recordChanged(model, id: id, candidateID: old.candidateID, jobID: old.jobID)
                }
            }
        }
    }

    /// Whether a stored record needs no write: its own fields' hash and its deletion mark are
    /// as stored. A record that comes back after deletion is changed.
    public static func isUnchanged(_ row: borrowing RecordRow, _ stored: StoredState) -> Bool {
        stored.hash == row.hash && stored.deleted == (row.remoteDeletedAt != nil)
    }

    /// The ids the plan writes (created or changed): parents among them need no touch.
    public var writtenIDs: Set<ExactID> {
        Set(self.result.created.map(ExactID.init)).union(self.result.changed.map(ExactID.init))
    }

    /// The change-log entries of the writes, in order: created, then changed.
    public var changeLog: [(kind: ChangeKind, ids: [String])] {
        [(.created, self.result.created), (.changed, self.result.changed)].filter { !$0.ids.isEmpty }
    }
}

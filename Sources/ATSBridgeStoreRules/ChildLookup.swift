import ATSBridgeCore
public import ATSBridgeProto

/// One batched read a backend runs for nested-view assembly, as plain data: the records of
/// `model` (only those not deleted upstream when `liveOnly`) whose `column` is one of `keys`,
/// each returned as a ``ChildRow`` with its `id` and the `columns` filled. Order does not
/// matter (assembly orders rows by id), and a key may match several rows.
public struct ChildLookup: Sendable, Hashable {
    /// What the rows are for; assembly routes them by it.
    public enum Purpose: Sendable, Hashable {
        /// Candidates' applications.
        case applications
        /// Candidates' tag joins.
        case candidateTags
        /// Tags by id.
        case tags
        /// Jobs' stage joins (with their index).
        case jobStages
        /// Stage joins of the jobs of applications' current stages (for the stage's index).
        case stageIndexes
        /// Stages by id.
        case stages
        /// Jobs' hiring-team joins.
        case hiringTeams
        /// Users by id.
        case users
        /// Jobs by id.
        case jobs
        /// Candidates by id.
        case candidates
    }

    /// What the rows are for.
    public var purpose: Purpose
    /// The model of the rows.
    public var model: Model
    /// The column matched against `keys`.
    public var column: RecordColumn
    /// The keys: distinct, in byte order (``RecordRow/uniqueSorted(_:)``), never empty.
    public var keys: [String]
    /// Whether only records not deleted upstream are wanted.
    public var liveOnly: Bool
    /// The columns to fill besides `id`.
    public var columns: [RecordColumn]
    /// The keys are the ids of the records being assembled. When those are every live record of
    /// an id range (an unfiltered page), a backend may read the children of the whole range in
    /// one scan and drop rows whose key is not in `keys`.
    public var keysAreRecordIDs: Bool

    init(
        _ purpose: Purpose,
        _ model: Model,
        where column: RecordColumn,
        in keys: some Sequence<String>,
        liveOnly: Bool,
        columns: [RecordColumn],
        keysAreRecordIDs: Bool = false
    ) {
        self.purpose = purpose
        self.model = model
        self.column = column
        self.keys = RecordRow.uniqueSorted(Array(keys))
        self.liveOnly = liveOnly
        self.columns = columns
        self.keysAreRecordIDs = keysAreRecordIDs
    }
}

import ATSBridgeCore
public import ATSBridgeProto

/// Kept views to clear: those of the records of `model` whose `column` is one of `keys`, or,
/// with `via`, whose `column` is the `via.select` column of `via.model`'s records (live or
/// deleted) whose `via.column` is one of `keys`.
public struct StaleViewRule: Sendable, Hashable {
    /// An indirection through another model's records.
    public struct Via: Sendable, Hashable {
        /// The model whose records link keys to the stale records.
        public var model: Model
        /// Their column matched against the keys.
        public var column: RecordColumn
        /// Their column that names the stale records.
        public var select: RecordColumn
    }

    /// The model whose views go stale.
    public var model: Model
    /// Its column matched against the keys (or against `via`'s selected values).
    public var column: RecordColumn
    /// The keys, in byte order (``RecordRow/uniqueSorted(_:)``).
    public var keys: [String]
    /// The indirection, if any.
    public var via: Via?

    init(model: Model, column: RecordColumn, keys: Set<ExactID>, via: Via? = nil) {
        self.model = model
        self.column = column
        self.keys = keys.byteSorted
        self.via = via
    }
}

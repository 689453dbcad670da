public import ATSBridgeProto

/// Records whose touched time a write moves: those of `model` whose `column` is one of `keys`.
public struct TouchTarget: Sendable, Hashable {
    /// The touched records' model.
    public var model: Model
    /// The column matched against `keys`.
    public var column: RecordColumn
    /// The keys, sorted.
    public var keys: [String]

    /// Creates a target.
    public init(model: Model, column: RecordColumn, keys: [String]) {
        self.model = model
        self.column = column
        self.keys = keys
    }
}

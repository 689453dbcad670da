/// What an upsert or a tombstone pass did.
public struct UpsertResult: Sendable, Hashable {
    /// Ids of records that did not exist.
    public var created: [String] = []
    /// Ids of records whose own fields changed (or that came back after deletion).
    public var changed: [String] = []
    /// How many records were identical and not written.
    public var unchanged = 0
    /// Ids of records marked deleted.
    public var deleted: [String] = []

    /// Creates an empty result.
    public init() {}

    /// Adds another result's counts and ids.
    public mutating func merge(_ other: UpsertResult) {
        self.created += other.created
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.deleted += other.deleted
    }
}

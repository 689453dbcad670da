/// One page of a remote listing, mapped to the unified model.
public struct RemotePage: Sendable {
    /// The page's records, one batch per model (a page of jobs carries jobs, stages, stage
    /// joins and hiring-team members).
    public var batches: [RecordBatch]
    /// Records the remote sent in a shape that cannot be mapped (no id, wrong types): counted
    /// and skipped rather than failing the sync.
    public var skipped: Int

    /// Creates a page.
    public init(batches: [RecordBatch], skipped: Int = 0) {
        self.batches = batches
        self.skipped = skipped
    }
}

public import ATSBridgeProto

/// One page of a remote listing, mapped to the unified model.
public struct RemotePage: Sendable {
    /// The page's records, one batch per model (a page of jobs carries jobs, stages, stage
    /// joins and hiring-team members).
    public var batches: [RecordBatch]
    /// Records the remote sent in a shape that cannot be mapped (no id, wrong types): counted
    /// and skipped rather than failing the sync.
    public var skipped: Int
    /// Ids of stored records, by model, whose sources the remote sent unchanged: not mapped
    /// again (``RemoteSourceLookup``), but listed, so a full sync does not tombstone them.
    public var unchanged: [Model: [String]]
    /// How many sources were unchanged.
    public var unchangedSources: Int
    /// Fingerprints of the sources mapped into `batches`, to remember with them
    /// (``SourceHashStore``); empty when the listing had no ``RemoteSourceLookup``.
    public var sources: [SourceHash]

    /// Creates a page.
    public init(
        batches: [RecordBatch],
        skipped: Int = 0,
        unchanged: [Model: [String]] = [:],
        unchangedSources: Int = 0,
        sources: [SourceHash] = []
    ) {
        self.batches = batches
        self.skipped = skipped
        self.unchanged = unchanged
        self.unchangedSources = unchangedSources
        self.sources = sources
    }
}

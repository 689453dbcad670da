/// How a remote listing runs.
public struct RemoteListingOptions: Sendable, Hashable {
    /// Only records changed since this time (ms since the Unix epoch), for models in
    /// ``RemoteATSConnection/changedSinceModels``; `nil` lists everything.
    public var changedSince: Int64?
    /// Records per page; the adapter clamps it to what the remote allows.
    public var pageSize: Int
    /// Pages fetched at once.
    public var concurrency: Int

    /// Creates options.
    public init(changedSince: Int64? = nil, pageSize: Int = 200, concurrency: Int = 1) {
        self.changedSince = changedSince
        self.pageSize = pageSize
        self.concurrency = concurrency
    }
}

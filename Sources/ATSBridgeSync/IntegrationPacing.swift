/// How fast one integration's syncs may call the remote ATS; `nil` fields take the server-wide
/// defaults (docs/configuration.md).
public struct IntegrationPacing: Sendable, Hashable {
    /// The most requests per second; the adapter adapts below it when the remote refuses.
    public var maxRequestsPerSecond: Double?
    /// Remote list pages fetched at once.
    public var fetchConcurrency: Int?

    /// Creates a pacing.
    public init(maxRequestsPerSecond: Double? = nil, fetchConcurrency: Int? = nil) {
        self.maxRequestsPerSecond = maxRequestsPerSecond
        self.fetchConcurrency = fetchConcurrency
    }
}

/// How a connection paced its requests to the remote ATS so far: what a sync run records and
/// reports as metrics.
public struct RemotePacing: Sendable, Hashable {
    /// Requests sent, retries and logins included.
    public var requests = 0
    /// Requests the remote answered with "rate limited" (HTTP 429).
    public var rateLimited = 0
    /// The adaptive request rate now, requests per second; `nil` when the adapter does not
    /// adapt its rate.
    public var requestsPerSecond: Double?

    /// Creates a report.
    public init(requests: Int = 0, rateLimited: Int = 0, requestsPerSecond: Double? = nil) {
        self.requests = requests
        self.rateLimited = rateLimited
        self.requestsPerSecond = requestsPerSecond
    }
}

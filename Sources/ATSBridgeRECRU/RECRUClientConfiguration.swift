/// Configuration of the client of one RECRU tenant (one integration).
package struct RECRUClientConfiguration: Sendable {
    /// The tenant's base URL, e.g. `https://acme.recru.eu`; calls go to `<base>/api/json-rpc`.
    package var baseURL: String
    /// The API user's login.
    package var login: String
    /// The API user's password. Never logged.
    package var password: String
    /// Rate limit, retries, timeouts and size caps.
    package var tuning: RECRUClientTuning

    /// Creates a configuration.
    package init(baseURL: String, login: String, password: String, tuning: RECRUClientTuning = RECRUClientTuning()) {
        self.baseURL = baseURL
        self.login = login
        self.password = password
        self.tuning = tuning
    }
}

/// How a RECRU client paces, retries and caps its calls; the same for every integration.
public struct RECRUClientTuning: Sendable, Hashable {
    /// How long one HTTP request may take. Defaults to 30 seconds.
    public var requestTimeout: Duration = .seconds(30)
    /// The largest response body accepted. Defaults to 32 MiB.
    public var maxResponseBytes = 32 << 20
    /// The highest request rate, requests per second for one integration (an integration's
    /// `max_requests_per_second` overrides it). The client starts there, halves its rate on
    /// each 429 and grows it back by ``rateIncrease`` per second. Defaults to 10.
    public var requestsPerSecond: Double = 10
    /// The lowest rate 429s bring the client down to, requests per second. Defaults to 0.2.
    public var minRequestsPerSecond = 0.2
    /// Requests per second regained each second without a 429. Defaults to 0.5.
    public var rateIncrease = 0.5
    /// Retries of idempotent calls.
    public var retry = Retry()

    /// Capped exponential backoff with jitter, for 429, 5xx, timeouts and dropped connections.
    ///
    /// An idempotent call retries these until ``unavailabilityBudget`` has passed since its
    /// first attempt (or ``maxAttempts``, when set, are used up); only then does it fail, with
    /// `REMOTE.RATE_LIMIT_EXCEEDED` or `REMOTE.SERVICE_UNAVAILABLE`.
    public struct Retry: Sendable, Hashable {
        /// Attempts in all, the first included, or `nil` for as many as fit in
        /// ``unavailabilityBudget``. Defaults to `nil`.
        public var maxAttempts: Int?
        /// How long one call keeps retrying while RECRU rate-limits or is unreachable. Also
        /// bounds the re-logins of one call whose fresh tokens keep expiring. Defaults to
        /// 5 minutes.
        public var unavailabilityBudget: Duration = .seconds(300)
        /// The first delay. Defaults to 200 ms.
        public var baseDelay: Duration = .milliseconds(200)
        /// The longest delay (a `Retry-After` may ask for longer, up to `maxRetryAfter`).
        /// Defaults to 10 seconds.
        public var maxDelay: Duration = .seconds(10)
        /// The longest `Retry-After` honoured. Defaults to 60 seconds.
        public var maxRetryAfter: Duration = .seconds(60)

        /// Creates the defaults.
        public init() {}
    }

    /// Creates the defaults.
    public init() {}
}

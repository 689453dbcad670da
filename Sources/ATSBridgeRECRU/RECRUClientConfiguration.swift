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
    /// Client-side rate limit, requests per second for one integration. Defaults to 10.
    public var requestsPerSecond: Double = 10
    /// Retries of idempotent calls.
    public var retry = Retry()

    /// Capped exponential backoff with jitter, for 429, 5xx, timeouts and dropped connections.
    public struct Retry: Sendable, Hashable {
        /// Attempts in all, the first included. Defaults to 6.
        public var maxAttempts = 6
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

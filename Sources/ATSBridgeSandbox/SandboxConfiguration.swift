import ATSBridgeRECRU

/// Configuration of the RECRU sandbox.
public struct SandboxConfiguration: Sendable {
    /// The API user's login. Defaults to `api@acme.example`.
    public var login = "api@acme.example"
    /// The API user's password. Defaults to `sandbox`.
    public var password = "sandbox"
    /// The secret that admin methods (mutations) need, or `nil` to disable them over HTTP.
    /// Defaults to `nil`.
    public var adminSecret: String?
    /// How long a token from `AuthService.login` is valid. Defaults to 60 minutes.
    public var tokenLifetime: Duration = .seconds(3600)
    /// The default and largest `limit` of list methods. Defaults to 50 and 200.
    public var defaultLimit = 50
    /// The largest `limit` a list accepts. Defaults to 200.
    public var maxLimit = 200
    /// The largest request body, in bytes. Defaults to 64 MiB, which fits several 10 MB
    /// attachments in base64.
    public var maxBodyBytes = 64 << 20
    /// The largest decoded attachment, in bytes. Defaults to 10 MB.
    public var maxAttachmentBytes = 10_000_000
    /// Faults to inject; all off by default.
    public var faults = SandboxFaults()

    /// Creates a configuration with every default.
    public init() {}
}

/// Faults the sandbox injects, to test clients against a misbehaving RECRU. All off by default.
public struct SandboxFaults: Sendable, Hashable {
    /// Requests per second allowed per token; over it, HTTP 429 with `Retry-After` and JSON-RPC
    /// error -32029. `nil` disables the limit.
    public var rateLimitPerSecond: Int?
    /// The `Retry-After` value, in seconds (0 allowed, for fast tests). Defaults to 1.
    public var retryAfterSeconds = 1
    /// Probability (0–1) that a request gets HTTP 503 instead of an answer.
    public var serverErrorRate = 0.0
    /// Probability (0–1) that a request with a token gets HTTP 429 (with `Retry-After` and
    /// -32029) whatever its rate, as when a limiter RECRU shares across tenants is exhausted.
    /// Unlike ``rateLimitPerSecond`` it does not depend on how fast the client is, so a test
    /// sees 429s on a slow machine too.
    public var rateLimitedRate = 0.0
    /// Latency added before every answer.
    public var addedLatency: Duration = .zero
    /// Probability (0–1) that the connection is closed without an answer.
    public var dropConnectionRate = 0.0
    /// Probability (0–1) that the answer's body is cut in half (the connection then closes).
    public var truncatedBodyRate = 0.0
    /// Methods that always answer HTTP 503, e.g. to fail writes while reads work.
    public var failingMethods: Set<String> = []
    /// Methods that run (a write is made) and whose answer is then cut off, as when the
    /// connection breaks after RECRU committed: the client cannot tell whether it was written.
    public var lostAnswerMethods: Set<String> = []
    /// Seed of the fault dice, so a faulty run can be replayed.
    public var seed: UInt64 = 1

    /// Creates a fault set with everything off.
    public init() {}

    /// The first of `names` that is not a RECRU method of the catalogue: a fault naming it would
    /// never fire, so a typo is refused rather than silently ignored.
    public static func firstUnknownMethod(in names: some Sequence<String>) -> String? {
        names.first { RECRUMethod(rawValue: $0) == nil }
    }
}

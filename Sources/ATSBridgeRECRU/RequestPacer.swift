/// The adaptive request rate of one RECRU client: additive increase, multiplicative decrease
/// (AIMD), as TCP does with its window.
///
/// Requests are spaced at the current rate, which starts at the ceiling (the integration's
/// `max_requests_per_second`). A 429 halves it (at most once per 250 ms, so that the several
/// requests in flight when RECRU starts refusing count as one signal) and pauses every request
/// until `Retry-After` has passed. Each answered request adds `increase / rate`, so the rate
/// grows back by `increase` requests per second every second without a 429, up to the ceiling.
/// Pure: the client keeps it behind its lock and sleeps until the instants it returns.
struct RequestPacer {
    /// The highest rate, requests per second.
    let ceiling: Double
    /// The lowest rate a run of 429s brings the rate down to.
    let floor: Double
    /// Requests per second regained per second without a 429.
    let increase: Double

    /// The current rate, requests per second.
    private(set) var rate: Double
    /// Requests answered with 429 so far.
    private(set) var rateLimited = 0
    private var nextSlot: ContinuousClock.Instant
    private var lastDecrease: ContinuousClock.Instant?

    init(ceiling: Double, floor: Double = 0.2, increase: Double = 0.5, now: ContinuousClock.Instant) {
        self.ceiling = max(0.001, ceiling)
        self.floor = min(self.ceiling, max(0.001, floor))
        self.increase = max(0, increase)
        self.rate = self.ceiling
        self.nextSlot = now
    }

    /// Reserves the next send slot; the caller waits until the instant returned.
    mutating func reserve(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let slot = max(now, self.nextSlot)
        self.nextSlot = slot + .seconds(1 / self.rate)
        return slot
    }

    /// A request was answered (not rate-limited): speed up a little.
    mutating func answered() {
        self.rate = min(self.ceiling, self.rate + self.increase / self.rate)
    }

    /// RECRU answered 429: slow down, and send nothing before `retryAfter` has passed.
    mutating func rateLimited(retryAfter: Duration?, now: ContinuousClock.Instant) {
        self.rateLimited += 1
        if let last = self.lastDecrease, now - last < .milliseconds(250) {
            // The same congestion, seen by another request in flight.
        } else {
            self.rate = max(self.floor, self.rate / 2)
            self.lastDecrease = now
        }
        if let retryAfter { self.nextSlot = max(self.nextSlot, now + retryAfter) }
    }
}

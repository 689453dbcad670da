/// A token bucket: up to `burst` events at once, refilled at `rate` per second. A value type
/// without a clock; callers pass the time, so that it is testable and lock-free in itself.
package struct TokenBucket: Sendable, Hashable {
    /// Events per second, on average.
    package let rate: Double
    /// The most events at once.
    package let burst: Double
    private var tokens: Double
    private var updated: ContinuousClock.Instant

    /// A full bucket.
    package init(rate: Double, burst: Double, now: ContinuousClock.Instant) {
        self.rate = rate
        self.burst = max(burst, 1)
        self.tokens = self.burst
        self.updated = now
    }

    /// Takes one token if there is one; returns whether the event is allowed.
    package mutating func take(now: ContinuousClock.Instant) -> Bool {
        let elapsed = now - self.updated
        if elapsed > .zero {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            self.tokens = min(self.burst, self.tokens + seconds * self.rate)
            self.updated = now
        }
        guard self.tokens >= 1 else { return false }
        self.tokens -= 1
        return true
    }

    /// Whether the bucket is full, i.e. idle long enough to be forgotten.
    package func isFull(now: ContinuousClock.Instant) -> Bool {
        let elapsed = now - self.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return self.tokens + seconds * self.rate >= self.burst
    }
}

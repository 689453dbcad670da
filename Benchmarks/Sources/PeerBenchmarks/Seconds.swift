/// A duration in seconds as a `Double`.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// A duration in nanoseconds, for the latency histograms.
func nanoseconds(_ duration: Duration) -> UInt64 {
    UInt64(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
}

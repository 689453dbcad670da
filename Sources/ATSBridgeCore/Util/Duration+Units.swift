/// The one home of `Duration` unit conversions (NIO code uses `TimeAmount(_: Duration)`).
extension Duration {
    /// The duration in whole milliseconds.
    public var milliseconds: Int64 {
        self.components.seconds * 1000 + self.components.attoseconds / 1_000_000_000_000_000
    }

    /// The duration in whole nanoseconds.
    public var nanoseconds: Int64 {
        self.components.seconds * 1_000_000_000 + self.components.attoseconds / 1_000_000_000
    }

    /// The duration in seconds, with its fraction.
    public var fractionalSeconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}

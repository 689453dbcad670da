package import NIOCore

extension Duration {
    /// The duration as a NIO `TimeAmount`, saturating.
    package var timeAmount: TimeAmount {
        let (seconds, attoseconds) = self.components
        let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return .nanoseconds(overflow ? .max : nanos &+ attoseconds / 1_000_000_000)
    }
}

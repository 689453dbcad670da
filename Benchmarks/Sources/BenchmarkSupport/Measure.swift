import Foundation

/// A minimal throughput harness: warm up, then time several rounds and keep the median and
/// the best. The machine is shared and noisy, so compare ratios from the same run.
public struct BenchResult: Sendable {
    /// What was measured.
    public var name: String
    /// Items per second of each round.
    public var rounds: [Double]

    /// The median round.
    public var median: Double { self.rounds.sorted()[self.rounds.count / 2] }
    /// The best round.
    public var best: Double { self.rounds.max() ?? 0 }
}

/// Times `body`, which processes `itemsPerCall` items per call.
public func measure(
    _ name: String,
    itemsPerCall: Int,
    calls: Int,
    rounds: Int = 7,
    _ body: () throws -> Int
) rethrows -> BenchResult {
    let clock = ContinuousClock()
    // Summed and checked so the optimiser cannot drop the measured work.
    var sink = 0
    for _ in 0..<max(1, calls / 10) { sink &+= try body() }
    var results: [Double] = []
    for _ in 0..<rounds {
        let start = clock.now
        for _ in 0..<calls { sink &+= try body() }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        results.append(Double(itemsPerCall * calls) / seconds)
    }
    precondition(sink != 0, "the measured work produced nothing")
    return BenchResult(name: name, rounds: results)
}

/// Formats a rate such as `2.41 M/s`.
public func formatRate(_ perSecond: Double) -> String {
    perSecond >= 1e6
        ? String(format: "%.2f M/s", perSecond / 1e6) : String(format: "%.0f k/s", perSecond / 1e3)
}

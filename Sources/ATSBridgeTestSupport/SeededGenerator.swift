public import ATSBridgeCore

/// A deterministic random number generator, so property and fuzz tests are reproducible from
/// their seed.
public typealias SeededGenerator = SplitMix64

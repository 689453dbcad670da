internal import CATSBridgeArena

/// Tunes the C heap for clients that decode streams of large pages (see `atsb_tune_heap`).
package enum HeapTuning {
    private static let applied: Void = atsb_tune_heap()

    /// Applies the tuning once per process; later calls do nothing.
    package static func tuneForStreaming() {
        _ = self.applied
    }
}

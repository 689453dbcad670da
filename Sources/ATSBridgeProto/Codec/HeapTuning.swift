internal import CATSBridgeArena

/// The C heap: tuned for clients that decode streams of large pages (see `atsb_tune_heap`), and
/// trimmed after work that grew it.
package enum HeapTuning {
    private static let applied: Void = atsb_tune_heap()

    /// Applies the tuning once per process; later calls do nothing.
    package static func tuneForStreaming() {
        _ = self.applied
    }

    private static let appliedForServing: Void = atsb_tune_heap_thresholds(
        Self.servingTrimThreshold,
        Self.servingMmapThreshold
    )

    /// A server keeps this much freed memory in each of its heaps (glibc keeps one per busy thread).
    package static let servingTrimThreshold: Int32 = 4 << 20
    /// A server's blocks under this size come from its heaps: pages of up to 1,000 nested
    /// candidates (about 1 MB) and their frames.
    package static let servingMmapThreshold: Int32 = 2 << 20

    /// Tunes the C heap of a server process once (unless the environment sets glibc's
    /// thresholds): each page a stream sends is built in one buffer and copied into another, and
    /// with glibc's defaults both are mapped afresh and faulted in page by page (a fifth of the
    /// server's CPU while streaming nested candidates). Lower than a client's thresholds, because a
    /// server has more threads, and so more heaps, that each keep their freed memory.
    package static func tuneForServing() {
        _ = self.appliedForServing
    }

    /// Hands the C heap's free pages back to the system (glibc's `malloc_trim`; nothing
    /// elsewhere), for work that grew the heap for a while. It blocks the calling thread while
    /// it walks the heap: never call it on an event loop or the task pool.
    package static func releaseFreeMemoryNow() {
        atsb_release_free_heap()
    }
}

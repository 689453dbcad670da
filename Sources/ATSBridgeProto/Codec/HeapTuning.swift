internal import CATSBridgeArena

/// The C heap: tuned for clients that decode streams of large pages (see `atsb_tune_heap`), and
/// trimmed after work that grew it.
package enum HeapTuning {
    private static let applied: Void = atsb_tune_heap()

    /// Applies the tuning once per process; later calls do nothing.
    package static func tuneForStreaming() {
        _ = self.applied
    }

    /// Hands the C heap's free pages back to the system (glibc's `malloc_trim`; nothing
    /// elsewhere), for work that grew the heap for a while. It blocks the calling thread while
    /// it walks the heap: never call it on an event loop or the task pool.
    package static func releaseFreeMemoryNow() {
        atsb_release_free_heap()
    }
}

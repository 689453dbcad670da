internal import CATSBridgeArena
import Dispatch

/// Tunes the C heap for clients that decode streams of large pages (see `atsb_tune_heap`).
package enum HeapTuning {
    private static let applied: Void = atsb_tune_heap()

    /// Applies the tuning once per process; later calls do nothing.
    package static func tuneForStreaming() {
        _ = self.applied
    }

    /// Hands the C heap's free pages back to the system, on a thread of Dispatch's (it walks
    /// the heap), after work that grew it for a while: a first sync holds two write batches of
    /// up to 10,000 records, whose memory glibc would otherwise keep for the process's life.
    package static func releaseFreeMemory() {
        DispatchQueue.global(qos: .utility).async { self.releaseFreeMemoryNow() }
    }

    /// ``releaseFreeMemory()`` on the calling thread, which it blocks while it walks the heap.
    package static func releaseFreeMemoryNow() {
        atsb_release_free_heap()
    }
}

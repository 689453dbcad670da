import Synchronization

/// Counts refused connections that are still being read before they close
/// (``ConnectionRefusalHandler``), so that a flood of them cannot hold more than a few sockets.
final class LingeringConnections: Sendable {
    /// The most refused connections read at once; past it, refused connections close at once.
    let limit: Int
    private let count = Mutex(0)

    init(limit: Int = 256) {
        self.limit = limit
    }

    /// Takes a place, or returns `false` when all are taken.
    func begin() -> Bool {
        self.count.withLock { count in
            guard count < self.limit else { return false }
            count += 1
            return true
        }
    }

    /// Gives a place back.
    func end() {
        self.count.withLock { $0 -= 1 }
    }
}

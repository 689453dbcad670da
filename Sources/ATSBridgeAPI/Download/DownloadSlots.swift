import ATSBridgeCore
import Synchronization

/// A server-wide cap on concurrent attachment downloads. A download over the cap is refused at
/// once rather than queued, so a burst of writes cannot pile up outbound connections.
final class DownloadSlots: Sendable {
    private let limit: Int
    private let inUse = Mutex(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Runs `body` in a slot.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.RESOURCE_EXHAUSTED` when every slot is taken;
    ///   otherwise what `body` throws.
    func withSlot<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let taken = self.inUse.withLock { count in
            guard count < self.limit else { return false }
            count += 1
            return true
        }
        guard taken else {
            throw ATSBridgeError(
                .resourceExhausted,
                "the server is running its most attachment downloads (\(self.limit)); retry shortly"
            )
        }
        defer { self.inUse.withLock { $0 -= 1 } }
        return try await body()
    }
}

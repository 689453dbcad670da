import ATSBridgeCore
import ATSBridgeSync
import Synchronization

/// A clock the test moves by hand: the schedule's sleeps end only when the test advances time.
final class ManualSyncClock: SyncClock {
    private let now = Mutex<Int64>(1_800_000_000_000)

    func nowMilliseconds() -> Int64 { self.now.withLock { $0 } }

    func advance(by duration: Duration) {
        self.now.withLock { $0 += duration.milliseconds }
    }

    func sleep(for duration: Duration) async throws {
        let deadline = self.nowMilliseconds() + duration.milliseconds
        while self.nowMilliseconds() < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}

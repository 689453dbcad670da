import ATSBridgeCore

/// The time source of the sync engine: wall-clock milliseconds for records and runs, and
/// sleeping for the schedule. Tests inject a manual clock to drive the schedule.
public protocol SyncClock: Sendable {
    /// Now, in milliseconds since the Unix epoch.
    func nowMilliseconds() -> Int64
    /// Suspends for `duration`, or throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The system's wall clock and `Task.sleep`.
public struct SystemSyncClock: SyncClock {
    /// Creates the system clock.
    public init() {}

    /// Now, from the wall clock.
    public func nowMilliseconds() -> Int64 { WallClock.nowMilliseconds() }

    /// Sleeps on the continuous clock.
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

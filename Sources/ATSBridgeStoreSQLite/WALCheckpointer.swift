import Dispatch
import GRDB
internal import GRDBSQLite
import Synchronization

/// Checkpoints the store's WAL on a connection and thread of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: the
/// writer copies every page of the WAL into the database file and waits for the file's fsync,
/// while every other write queues behind it (about a second of a large first sync). Here the
/// writer's WAL hook (``install(on:)``) only starts a PASSIVE checkpoint on this connection,
/// which copies what readers no longer need while the writer goes on. If the WAL still
/// reaches ``hardLimit`` pages (checkpoints falling behind, or readers pinning old pages), the
/// writer checkpoints itself, as SQLite's automatic checkpoint would, so the WAL stays bounded.
///
/// Frames not yet copied stay where readers look pages up, and in a WAL that the next start
/// replays. So the checkpointer also copies what is in the WAL when the store opens
/// (``start()``, a WAL an earlier process left behind) and once writes have paused for
/// ``idleDelay``; ``SQLiteStore/close()`` empties it.
final class WALCheckpointer: Sendable {
    /// The checkpointer's state: what runs, and what the next idle checkpoint waits for.
    private struct State {
        /// A checkpoint is claimed: queued or running on `queue`.
        var running = false
        /// The last commit not yet followed by an idle checkpoint.
        var lastCommit: ContinuousClock.Instant?
        /// The idle timer is scheduled on `queue`.
        var timerArmed = false
        /// ``stop()`` was called: no checkpoint starts any more.
        var stopped = false
    }

    /// What the idle timer does when it fires.
    private enum TimerAction {
        case none
        case rearm(after: Duration)
        case checkpoint
    }

    /// WAL pages after which a background checkpoint starts.
    let threshold: Int
    /// WAL pages after which the committing writer checkpoints itself.
    var hardLimit: Int { self.threshold * 4 }
    /// How long writes pause before the background connection copies what is left.
    let idleDelay: Duration
    private let path: String
    private let state = Mutex(State())
    private let completed = Mutex(0)
    /// The outcome of the last background checkpoint: frames in the WAL, frames copied.
    private let lastResult = Mutex<(walFrames: Int, copied: Int)?>(nil)
    /// The checkpoint connection, opened by the first checkpoint (on `queue`, never on the
    /// writer's thread).
    private let connection = Mutex<DatabaseQueue?>(nil)
    private let queue = DispatchQueue(label: "atsbridge.sqlite.checkpoint")

    init(path: String, threshold: Int, idleDelay: Duration) {
        self.path = path
        self.threshold = max(1, threshold)
        self.idleDelay = max(.zero, idleDelay)
    }

    /// Background checkpoints finished so far (tests poll it).
    var checkpointsCompleted: Int { self.completed.withLock { $0 } }

    /// Frames in the WAL and frames copied by the last background checkpoint (tests read it).
    var lastCheckpoint: (walFrames: Int, copied: Int)? { self.lastResult.withLock { $0 } }

    /// Makes `db` (the writer connection) call this checkpointer after each commit, in place of
    /// SQLite's automatic checkpoint. The checkpointer must outlive the connection: the store's
    /// connection set-up closure holds it.
    func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, walHook, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Copies what an earlier process left in the WAL (a crash, a kill, a shutdown that could
    /// not empty it), so that readers stop looking pages up there.
    func start() {
        guard self.claim() else { return }
        self.queue.async { self.checkpoint() }
    }

    /// Stops starting checkpoints and waits for a running one, before the store empties the
    /// WAL itself on its way out.
    func stop() async {
        self.state.withLock { $0.stopped = true }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.queue.async { continuation.resume() }
        }
    }

    /// A commit left `frames` pages in the WAL of `connection` (on the writer's thread).
    fileprivate func committed(frames: Int, connection: OpaquePointer?) {
        if frames >= self.hardLimit {
            // Returns SQLITE_BUSY while the background checkpoint runs; the next commit retries.
            sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        } else if frames >= self.threshold, self.claim() {
            self.queue.async { self.checkpoint() }
        }
        self.scheduleIdleCheckpoint(afterCommit: true)
    }

    /// Arms the idle timer unless it is armed: after a commit (which restarts the quiet time),
    /// or when readers held frames a checkpoint could not copy (another try once the WAL has
    /// been left alone for ``idleDelay``).
    private func scheduleIdleCheckpoint(afterCommit: Bool) {
        let arm = self.state.withLock { state in
            state.lastCommit = afterCommit ? .now : state.lastCommit ?? .now
            guard !state.timerArmed, !state.stopped else { return false }
            state.timerArmed = true
            return true
        }
        if arm { self.armIdleTimer(after: self.idleDelay) }
    }

    /// Empties the WAL on `db` (the writer, once reads and writes are done): a TRUNCATE
    /// checkpoint that waits at most `wait` for readers, so that another process sharing the
    /// file is not held up long; on failure the WAL stays for the next start.
    static func empty(on db: Database, wait: Duration, restoring busyTimeout: Duration) {
        sqlite3_busy_timeout(db.sqliteConnection, Self.milliseconds(wait))
        sqlite3_wal_checkpoint_v2(db.sqliteConnection, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
        sqlite3_busy_timeout(db.sqliteConnection, Self.milliseconds(busyTimeout))
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        Int32(max(0, min(duration / .milliseconds(1), Double(Int32.max))))
    }

    /// Marks a checkpoint as running; false if one already runs or the store is closing.
    private func claim() -> Bool {
        self.state.withLock { state in
            guard !state.running, !state.stopped else { return false }
            state.running = true
            return true
        }
    }

    private func armIdleTimer(after delay: Duration) {
        // Saturating: a delay of centuries waits "forever" rather than trapping.
        let (scaled, overflow) = delay.components.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, sumOverflow) = scaled.addingReportingOverflow(delay.components.attoseconds / 1_000_000_000)
        let nanoseconds = overflow || sumOverflow ? Int64.max : max(0, sum)
        self.queue.asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: nanoseconds))) {
            self.idleTimerFired()
        }
    }

    /// On `queue`: checkpoints if no commit came for ``idleDelay``, else waits for the rest.
    private func idleTimerFired() {
        let action = self.state.withLock { state -> TimerAction in
            guard let last = state.lastCommit, !state.stopped else {
                state.timerArmed = false
                return .none
            }
            let quiet = ContinuousClock.now - last
            if quiet < self.idleDelay { return .rearm(after: self.idleDelay - quiet) }
            // A threshold checkpoint is claimed and queued behind this block: look again after it.
            if state.running { return .rearm(after: self.idleDelay) }
            state.lastCommit = nil
            state.timerArmed = false
            state.running = true
            return .checkpoint
        }
        switch action {
        case .none: break
        case .rearm(let delay): self.armIdleTimer(after: delay)
        case .checkpoint: self.checkpoint()
        }
    }

    /// Copies what it can of the WAL into the database file (on `queue`). Failures are left to
    /// the next checkpoint: a checkpoint never loses data, and a writer that cannot checkpoint
    /// keeps committing to the WAL.
    private func checkpoint() {
        // Claimed before ``stop()`` but queued after its marker: the store is emptying the WAL.
        guard !self.state.withLock({ $0.stopped }) else {
            self.state.withLock { $0.running = false }
            return
        }
        defer {
            self.state.withLock { $0.running = false }
            self.completed.withLock { $0 += 1 }
        }
        do {
            let connection = try self.connection.withLock { connection in
                if let connection { return connection }
                var configuration = Configuration()
                configuration.prepareDatabase { db in
                    try db.execute(sql: "PRAGMA synchronous = NORMAL")
                }
                let opened = try DatabaseQueue(path: self.path, configuration: configuration)
                connection = opened
                return opened
            }
            let result = try connection.writeWithoutTransaction { db in
                try db.checkpoint(.passive)
            }
            self.lastResult.withLock { $0 = (result.walFrameCount, result.checkpointedFrameCount) }
            if result.checkpointedFrameCount < result.walFrameCount { self.scheduleIdleCheckpoint(afterCommit: false) }
        } catch {
            // SQLITE_BUSY (the writer is checkpointing itself) or an I/O error: see above.
        }
    }
}

/// The WAL hook: a C function, given the checkpointer as its context.
private let walHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 =
    {
        context,
        connection,
        _,
        frames in
        guard let context else { return SQLITE_OK }
        Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
            .committed(frames: Int(frames), connection: connection)
        return SQLITE_OK
    }

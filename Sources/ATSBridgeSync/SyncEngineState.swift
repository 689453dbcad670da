import ATSBridgeProto

/// The sync engine's shared state: which integrations have a run queued or running, the
/// queue for free slots, and consecutive failures. Pure: the engine acts on what it returns.
struct SyncEngineState {
    /// What a sync request leads to.
    enum Request {
        /// Start this run now.
        case start(SyncRun)
        /// Wait for a free slot.
        case queued(SyncRun)
        /// A run of the integration is already queued or running: this one.
        case existing(SyncRun)
        /// The engine has stopped.
        case stopped
    }

    private struct Active {
        var run: SyncRun
        var task: Task<Void, Never>?
    }

    let maxConcurrent: Int
    private(set) var stopped = false
    private var active: [String: Active] = [:]
    private var runningCount = 0
    private var queue: [String] = []
    private var failures: [String: Int] = [:]

    init(maxConcurrent: Int) {
        self.maxConcurrent = max(1, maxConcurrent)
    }

    mutating func request(_ run: SyncRun) -> Request {
        guard !self.stopped else { return .stopped }
        let integrationID = run.integrationID ?? ""
        if let existing = self.active[integrationID] { return .existing(existing.run) }
        self.active[integrationID] = Active(run: run)
        if self.runningCount < self.maxConcurrent {
            self.runningCount += 1
            return .start(run)
        }
        self.queue.append(integrationID)
        return .queued(run)
    }

    /// Records the task executing a started run, so that it can be cancelled.
    mutating func attach(_ task: Task<Void, Never>, integrationID: String) {
        self.active[integrationID]?.task = task
    }

    /// Records a run's progress (state, times) for status queries.
    mutating func update(_ run: SyncRun) {
        guard let integrationID = run.integrationID else { return }
        self.active[integrationID]?.run = run
    }

    /// A run ended (or was dropped before starting); returns the next queued run to start.
    mutating func finished(integrationID: String, succeeded: Bool) -> SyncRun? {
        guard self.active.removeValue(forKey: integrationID) != nil else { return nil }
        if let index = self.queue.firstIndex(of: integrationID) {
            // Dropped while queued: it held no slot.
            self.queue.remove(at: index)
        } else {
            self.runningCount -= 1
        }
        self.failures[integrationID] = succeeded ? nil : self.failures[integrationID, default: 0] + 1
        guard !self.stopped, !self.queue.isEmpty else { return nil }
        let next = self.queue.removeFirst()
        self.runningCount += 1
        return self.active[next]?.run
    }

    /// The queued or running run of an integration.
    func run(of integrationID: String) -> SyncRun? { self.active[integrationID]?.run }

    /// Whether the run with this id is queued or running.
    func isActive(runID: String) -> Bool { self.active.values.contains { $0.run.id == runID } }

    /// The task of an integration's running sync.
    func task(of integrationID: String) -> Task<Void, Never>? { self.active[integrationID]?.task }

    /// Consecutive failed runs of an integration since the last success (this process only).
    func consecutiveFailures(_ integrationID: String) -> Int { self.failures[integrationID, default: 0] }

    /// Stops accepting runs; returns the queued runs, which will not start.
    mutating func stop() -> [SyncRun] {
        self.stopped = true
        let dropped = self.queue.compactMap { self.active.removeValue(forKey: $0)?.run }
        self.queue = []
        return dropped
    }
}

public import ATSBridgeCore
public import ATSBridgeProto
public import Logging
public import ServiceLifecycle
import Synchronization

/// Keeps every integration's store current: a ServiceLifecycle service that runs scheduled
/// syncs (per integration, default every 3 hours) and manual ones, never two of one integration
/// at once, and records every run.
///
/// A sync lists the remote ATS's models through Core's port (``RemoteATS``; RECRU's adapter is
/// wired in by the app), receives them mapped, and upserts them page by page; a full sync then
/// tombstones what disappeared. On graceful shutdown running syncs are cancelled and recorded CANCELLED;
/// the store stays consistent and the next sync completes the work.
public final class SyncEngine: Service, Sendable {
    let store: any Store
    let vault: CredentialVault
    let remote: any RemoteATS
    let configuration: SyncConfiguration
    let clock: any SyncClock
    let logger: Logger
    let state: Mutex<SyncEngineState>
    private let starts: AsyncStream<SyncRun>
    let startsContinuation: AsyncStream<SyncRun>.Continuation

    /// Creates an engine.
    ///
    /// - Parameters:
    ///   - store: Where integrations live and records are mirrored.
    ///   - vault: Opens the integrations' stored credentials.
    ///   - remote: The remote ATS the integrations' accounts live in.
    ///   - clock: Times runs and drives the schedule; tests inject a manual one.
    public init(
        store: any Store,
        vault: CredentialVault,
        remote: any RemoteATS,
        configuration: SyncConfiguration = SyncConfiguration(),
        clock: any SyncClock = SystemSyncClock(),
        logger: Logger
    ) {
        self.store = store
        self.vault = vault
        self.remote = remote
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.state = Mutex(SyncEngineState(maxConcurrent: configuration.maxConcurrentSyncs))
        (self.starts, self.startsContinuation) = AsyncStream.makeStream(of: SyncRun.self)
    }

    /// Runs the schedule and the started syncs until cancelled or gracefully shut down.
    public func run() async throws {
        await self.recoverInterruptedRuns()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.scheduleLoop() }
                group.addTask { await self.takeOverLoop() }
                for await run in self.starts {
                    group.addTask { await self.execute(run) }
                }
                group.cancelAll()
            }
        }
        let dropped = self.state.withLock { $0.stop() }
        for var run in dropped {
            run.state = .cancelled
            run.finishedAt = self.clock.nowMilliseconds()
            try? await self.store.saveSyncRun(run)
        }
    }

    /// Starts a sync of an integration now, or returns the one already queued or running.
    ///
    /// - Parameter type: FULL or DELTA; `nil` lets the engine choose (FULL for a first sync or
    ///   when the last full one is older than ``SyncConfiguration/fullSyncInterval``). A DELTA
    ///   before any successful sync runs as FULL.
    /// - Throws: ``ATSBridgeError`` `PLATFORM.NOT_FOUND` for an unknown integration,
    ///   `INTEGRATION.INACTIVE` for a paused one, `PLATFORM.UNAVAILABLE` after shutdown.
    @discardableResult
    public func trigger(integrationID: String, type: SyncType? = nil) async throws -> SyncRun {
        guard let stored = try await self.store.integration(id: integrationID) else {
            throw ATSBridgeError(.notFound, "no integration with id \(integrationID)")
        }
        if stored.integration.status == .inactive {
            throw ATSBridgeError(.integrationInactive, "integration \(integrationID) is paused; resume it to sync")
        }
        if let running = self.state.withLock({ $0.run(of: integrationID) }) { return running }
        let run = SyncRun(
            id: "run_" + RecordID.random(),
            integrationID: integrationID,
            type: try await self.effectiveType(type, integrationID: integrationID),
            state: .queued,
            queuedAt: self.clock.nowMilliseconds()
        )
        switch self.state.withLock({ $0.request(run) }) {
        case .existing(let existing):
            return existing
        case .stopped:
            throw ATSBridgeError(.unavailable, "the sync engine is shutting down")
        case .queued(let queued):
            try await self.saveOrDrop(queued)
            return queued
        case .start(let started):
            try await self.saveOrDrop(started)
            self.startsContinuation.yield(started)
            return started
        }
    }

    /// The queued or running sync of an integration, if any.
    public func activeRun(integrationID: String) -> SyncRun? {
        self.state.withLock { $0.run(of: integrationID) }
    }

    /// Waits until a run is no longer queued or running, and returns its final record.
    public func waitUntilFinished(_ run: SyncRun) async throws -> SyncRun {
        while self.state.withLock({ $0.isActive(runID: run.id) }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let runs = try await self.store.syncRuns(integrationID: run.integrationID ?? "", limit: 1000)
        return runs.first { $0.id == run.id } ?? run
    }

    /// Cancels an integration's running sync and waits until it has stopped, e.g. before the
    /// integration is deleted or paused.
    public func cancel(integrationID: String) async {
        guard let task = self.state.withLock({ $0.task(of: integrationID) }) else { return }
        task.cancel()
        await task.value
    }

    private func saveOrDrop(_ run: SyncRun) async throws {
        do {
            try await self.store.saveSyncRun(run)
        } catch {
            let next = self.state.withLock { $0.finished(integrationID: run.integrationID ?? "", succeeded: true) }
            if let next { self.startsContinuation.yield(next) }
            throw error
        }
    }
}

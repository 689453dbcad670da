import ATSBridgeCore
import ATSBridgeProto
import Logging
import Synchronization

extension SyncEngine {
    /// Looks for due integrations every ``SyncConfiguration/schedulerTick`` until cancelled.
    func scheduleLoop() async {
        while !Task.isCancelled {
            await self.startDueSyncs()
            do {
                try await self.clock.sleep(for: self.configuration.schedulerTick)
            } catch {
                return
            }
        }
    }

    /// Starts a sync of every ACTIVE integration whose interval has passed since its last
    /// sync started; after failures, sooner (``SyncConfiguration/retryDelay``, doubling).
    func startDueSyncs() async {
        let integrations: [StoredIntegration]
        do {
            integrations = try await self.store.integrations()
        } catch {
            self.logger.error(
                "The scheduler cannot read the integrations",
                metadata: [LogKey.errorDescription: "\(error)"]
            )
            return
        }
        let now = self.clock.nowMilliseconds()
        for stored in integrations {
            let integration = stored.integration
            guard integration.status == .active || integration.status == nil else { continue }
            let failures = self.state.withLock { $0.consecutiveFailures(integration.id) }
            let interval = integration.settings?.syncIntervalMs ?? self.configuration.defaultInterval.milliseconds
            let delay =
                failures == 0
                ? interval
                : min(interval, self.configuration.retryDelay.milliseconds << Int64(min(failures - 1, 20)))
            if let last = integration.lastSyncStartedAt, now < last + delay { continue }
            do {
                try await self.trigger(integrationID: integration.id)
            } catch {
                self.logger.warning(
                    "A scheduled sync did not start",
                    metadata: [LogKey.integrationID: "\(integration.id)", LogKey.errorDescription: "\(error)"]
                )
            }
        }
    }

    /// The type a requested run really has: FULL for a first sync, when the last full one is
    /// too old, or for a DELTA with nothing to be a delta of.
    func effectiveType(_ requested: SyncType?, integrationID: String) async throws -> SyncType {
        if requested == .full { return .full }
        let lastFull = try await self.lastSuccess(integrationID: integrationID, fullOnly: true)
        guard let lastFull else { return .full }
        if requested == .delta { return .delta }
        let tooOld = self.clock.nowMilliseconds() - lastFull >= self.configuration.fullSyncInterval.milliseconds
        return tooOld ? .full : .delta
    }

    /// When the latest successful (full) sync of an integration started.
    func lastSuccess(integrationID: String, fullOnly: Bool) async throws -> Int64? {
        let runs = try await self.store.syncRuns(integrationID: integrationID, limit: 200)
        return runs.first { $0.state == .succeeded && (!fullOnly || $0.type == .full) }?.startedAt
    }

    /// Runs left QUEUED or RUNNING by a server that stopped without recording them are marked
    /// FAILED, unless another server holds their integration's lease (and is running them).
    func recoverInterruptedRuns() async {
        do {
            for stored in try await self.store.integrations() {
                let id = stored.integration.id
                let open = try await self.store.syncRuns(integrationID: id, limit: 20).filter {
                    $0.state == .queued || $0.state == .running
                }
                guard !open.isEmpty else { continue }
                let lease = SyncLease(
                    store: self.store,
                    integrationID: id,
                    owner: self.configuration.instanceID,
                    duration: self.configuration.leaseDuration
                )
                guard try await lease.acquire(at: self.clock.nowMilliseconds()) else { continue }
                for var run in open {
                    run.state = .failed
                    run.finishedAt = self.clock.nowMilliseconds()
                    run.errorCode = ATSBridgeError.Code.unavailable.dotted
                    run.errorMessage = "the server stopped during the sync; the next sync completes it"
                    try await self.store.saveSyncRun(run)
                }
                await lease.release()
            }
        } catch {
            self.logger.error(
                "Interrupted syncs could not be recovered",
                metadata: [LogKey.errorDescription: "\(error)"]
            )
        }
    }
}

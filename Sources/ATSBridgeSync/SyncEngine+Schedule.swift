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
        } catch is CancellationError {
            return  // the server is stopping (perhaps failing to start): nothing to report
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
            // Saturating: an interval stored by an earlier build may be any 64-bit number.
            if let last = integration.lastSyncStartedAt {
                let (due, overflow) = last.addingReportingOverflow(max(0, delay))
                if overflow || now < due { continue }
            }
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

    /// At start-up: runs a stopped server left QUEUED or RUNNING are marked FAILED
    /// ("interrupted") and their integrations synced again at once, unless another live server
    /// holds the integration's lease (and is running them). A lease this server's
    /// ``SyncConfiguration/instanceID`` held before a crash is taken back at once; another
    /// server's only once it expired (``SyncConfiguration/leaseDuration``).
    func recoverInterruptedRuns() async {
        var interrupted: [String] = []
        do {
            for stored in try await self.store.integrations() {
                let id = stored.integration.id
                let lease = self.lease(id)
                guard try await lease.acquire(at: self.clock.nowMilliseconds()) else { continue }
                if try await self.failInterruptedRuns(integrationID: id, except: nil) > 0 { interrupted.append(id) }
                await lease.release()
            }
        } catch {
            self.logger.error(
                "Interrupted syncs could not be recovered",
                metadata: [LogKey.errorDescription: "\(error)"]
            )
        }
        for id in interrupted {
            do {
                try await self.trigger(integrationID: id)
            } catch {
                self.logger.warning(
                    "An interrupted sync was not restarted",
                    metadata: [LogKey.integrationID: "\(id)", LogKey.errorDescription: "\(error)"]
                )
            }
        }
    }

    /// Every ``SyncConfiguration/leaseRenewalInterval`` until cancelled: takes over the syncs
    /// of servers that died (``takeOverAbandonedSyncs()``).
    func takeOverLoop() async {
        while !Task.isCancelled {
            do {
                try await self.clock.sleep(for: self.configuration.leaseRenewalInterval)
            } catch {
                return
            }
            await self.takeOverAbandonedSyncs()
        }
    }

    /// Syncs again at once every integration with a RUNNING run that no live server holds the
    /// lease of: its server died mid-sync (another server sharing the store, or this one before
    /// a restart) and its lease expired. Holding the lease, the new run marks the abandoned one
    /// FAILED ("interrupted"). A running sync renews its lease, so a live server's runs are left
    /// alone; integrations this server syncs are skipped.
    func takeOverAbandonedSyncs() async {
        do {
            for stored in try await self.store.integrations() {
                let id = stored.integration.id
                let lease = self.lease(id)
                guard stored.integration.status != .inactive, self.activeRun(integrationID: id) == nil,
                    try await self.store.syncRuns(integrationID: id, limit: 5).contains(where: { $0.state == .running }
                    ),
                    try await lease.acquire(at: self.clock.nowMilliseconds())
                else { continue }
                // Held now: the run started next takes it over (a lease is its owner's, however
                // many times taken) and releases it when it ends.
                self.logger.warning(
                    "Taking over a sync abandoned by a stopped server",
                    metadata: [LogKey.integrationID: "\(id)"]
                )
                do {
                    try await self.trigger(integrationID: id)
                } catch {
                    await lease.release()
                    throw error
                }
            }
        } catch {
            self.logger.error(
                "Abandoned syncs could not be taken over",
                metadata: [LogKey.errorDescription: "\(error)"]
            )
        }
    }

    /// Marks an integration's RUNNING runs, and QUEUED runs older than a lease, FAILED
    /// ("interrupted"), but `except`; call only while holding its lease. A younger QUEUED run
    /// may be another live server's, about to find the lease taken. Returns how many were
    /// marked.
    @discardableResult
    func failInterruptedRuns(integrationID: String, except current: String?) async throws -> Int {
        let stale = self.clock.nowMilliseconds() - self.configuration.leaseDuration.milliseconds
        let open = try await self.store.syncRuns(integrationID: integrationID, limit: 20).filter {
            ($0.state == .running || ($0.state == .queued && ($0.queuedAt ?? 0) < stale)) && $0.id != current
        }
        for var run in open {
            run.state = .failed
            run.finishedAt = self.clock.nowMilliseconds()
            run.errorCode = ATSBridgeError.Code.unavailable.dotted
            run.errorMessage = "interrupted: the server stopped during the sync; the next sync completes it"
            try await self.store.saveSyncRun(run)
            self.logger.warning(
                "Interrupted sync marked FAILED",
                metadata: [LogKey.integrationID: "\(integrationID)", LogKey.syncRun: "\(run.id)"]
            )
        }
        return open.count
    }
}

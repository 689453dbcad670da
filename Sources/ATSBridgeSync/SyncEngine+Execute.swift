import ATSBridgeCore
import ATSBridgeProto
import Dispatch
import Logging
import Synchronization

extension SyncEngine {
    /// Runs one started sync in its own task (so ``cancel(integrationID:)`` can stop it), then
    /// records it, releases the lease and starts the next queued run.
    func execute(_ queued: SyncRun) async {
        let integrationID = queued.integrationID ?? ""
        // Not fire-and-forget: the engine's task group child that calls `execute` owns this task,
        // waits for it and forwards its cancellation; the handle in the state exists only so that
        // one integration's run can be cancelled alone (a group child cannot be).
        let task = Task { await self.perform(queued) }
        self.state.withLock { $0.attach(task, integrationID: integrationID) }
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
    }

    private func perform(_ queued: SyncRun) async {
        var run = queued
        let integrationID = queued.integrationID ?? ""
        let lease = self.lease(integrationID)
        var metadata: Logger.Metadata = [LogKey.integrationID: "\(integrationID)", LogKey.syncRun: "\(run.id)"]
        var leased = false
        var connection: (any RemoteATSConnection)?
        do {
            leased = try await lease.acquire(at: self.clock.nowMilliseconds())
            guard leased else { throw LeaseHeldElsewhere() }
            // Holding the lease, no other server runs this integration's sync: open runs of
            // it were left by a server that died.
            try await self.failInterruptedRuns(integrationID: integrationID, except: run.id)
            run.state = .running
            run.startedAt = self.clock.nowMilliseconds()
            try await self.record(run)
            self.logger.info(
                "Sync started",
                metadata: metadata.merging([LogKey.syncType: "\(run.type ?? .full)"]) { $1 }
            )
            let prepared = try await self.prepare(run)
            connection = prepared.sync.connection
            // The lease is renewed on its own schedule, whatever the sync waits for (a slow
            // RECRU, 429s), so it can be short and a dead server's lease expires soon.
            let outcome = try await lease.holding(
                renewingEvery: self.configuration.leaseRenewalInterval,
                clock: self.clock
            ) {
                try await prepared.sync.run(prepared.plan)
            }
            run.state = .succeeded
            run.created = UInt64(outcome.created)
            run.updated = UInt64(outcome.updated)
            run.deleted = UInt64(outcome.deleted)
            metadata[LogKey.syncCreated] = "\(outcome.created)"
            metadata[LogKey.syncUpdated] = "\(outcome.updated)"
            metadata[LogKey.syncDeleted] = "\(outcome.deleted)"
            metadata[LogKey.syncSkipped] = "\(outcome.skipped)"
            metadata[LogKey.syncUnchanged] = "\(outcome.unchanged)"
        } catch is LeaseHeldElsewhere {
            // Not a failure: the server holding the lease is running this sync.
            run.state = .cancelled
            run.errorMessage = "another server is syncing this integration"
        } catch {
            if Task.isCancelled || error is CancellationError {
                run.state = .cancelled
            } else {
                let failure = error as? ATSBridgeError ?? ATSBridgeError(.internalError, "\(type(of: error))")
                run.state = .failed
                run.errorCode = failure.code.dotted
                run.errorMessage = failure.message
                metadata[LogKey.errorDescription] = "\(failure)"
            }
        }
        run.finishedAt = self.clock.nowMilliseconds()
        if let pacing = connection?.pacing { Self.report(pacing, in: &run, metadata: &metadata) }
        SyncMetrics.runFinished(run)
        await self.finish(run, metadata: metadata)
        if leased { await lease.release() }
        Self.releaseHeap(after: run)
        let next = self.state.withLock {
            $0.finished(integrationID: integrationID, succeeded: run.state == .succeeded)
        }
        if let next { self.startsContinuation.yield(next) }
    }

    /// A run that wrote a thousand records or more grew the heap with its write batches (up to
    /// two of 10,000 records; docs/sync.md), which glibc would keep resident for the process's
    /// life. Trimmed on a Dispatch thread, as the trim blocks while it walks the heap.
    private static func releaseHeap(after run: SyncRun) {
        let written = (run.created ?? 0) + (run.updated ?? 0) + (run.deleted ?? 0)
        guard written >= 1_000 else { return }
        DispatchQueue.global(qos: .utility).async { HeapTuning.releaseFreeMemoryNow() }
    }

    /// This server's lease on an integration's sync.
    func lease(_ integrationID: String) -> SyncLease {
        SyncLease(
            store: self.store,
            integrationID: integrationID,
            owner: self.configuration.instanceID,
            duration: self.configuration.leaseDuration
        )
    }

    /// Puts how the run paced its requests into its record and log.
    private static func report(_ pacing: RemotePacing, in run: inout SyncRun, metadata: inout Logger.Metadata) {
        run.remoteRequests = UInt64(pacing.requests)
        run.rateLimitedResponses = UInt64(pacing.rateLimited)
        run.requestsPerSecondLimit = pacing.requestsPerSecond.map { ($0 * 100).rounded() / 100 }
        if let started = run.startedAt, let finished = run.finishedAt, finished > started {
            let rate = Double(pacing.requests) / (Double(finished - started) / 1000)
            run.effectiveRequestsPerSecond = (rate * 100).rounded() / 100
        }
        metadata[LogKey.syncRequests] = "\(pacing.requests)"
        metadata[LogKey.syncRateLimited] = "\(pacing.rateLimited)"
    }

    /// What a run needs: credentials, a connection paced by the integration's settings, the plan.
    private func prepare(_ run: SyncRun) async throws -> (sync: IntegrationSync, plan: IntegrationSync.Plan) {
        let integrationID = run.integrationID ?? ""
        let startedAt = run.startedAt ?? 0
        guard
            let stored = try await self.store.integration(id: integrationID),
            (try await self.store.updateIntegration(id: integrationID) { $0.lastSyncStartedAt = startedAt }) != nil
        else {
            throw ATSBridgeError(.notFound, "integration \(integrationID) was deleted")
        }
        let integration = stored.integration
        let password = try self.vault.open(stored.encryptedCredentials, integrationID: integrationID)
        let pacing = self.configuration.pacing(of: integration)
        let connection = self.remote.connection(
            to: RemoteATSAccount(
                integrationID: integrationID,
                tenantURL: integration.tenantURL ?? "",
                login: integration.login ?? "",
                password: password,
                maxRequestsPerSecond: pacing.maxRequestsPerSecond
            ),
            for: .sync
        )
        var plan = IntegrationSync.Plan(
            full: run.type != .delta,
            changedSince: nil,
            onlyCreated: integration.settings?.syncOnlyCreatedApplications
                ?? self.configuration.syncOnlyCreatedApplications
        )
        if !plan.full {
            plan.changedSince = try await self.lastSuccess(integrationID: integrationID, fullOnly: false)
                .map { $0 - self.configuration.deltaOverlap.milliseconds }
        }
        var configuration = self.configuration
        configuration.fetchConcurrency = pacing.fetchConcurrency ?? configuration.fetchConcurrency
        let sync = IntegrationSync(
            integrationID: integrationID,
            store: self.store,
            connection: connection,
            configuration: configuration,
            clock: self.clock,
            lease: self.lease(integrationID),
            logger: self.logger
        )
        return (sync, plan)
    }

    /// Saves the run's record and shows its progress to status queries.
    func record(_ run: SyncRun) async throws {
        self.state.withLock { $0.update(run) }
        try await self.store.saveSyncRun(run)
    }

    /// Records a finished run and updates the integration: setup status, times, and INVALID
    /// after repeated authentication failures. Shielded from cancellation, so that a cancelled
    /// sync is still recorded.
    private func finish(_ run: SyncRun, metadata: Logger.Metadata) async {
        let limit = max(1, self.configuration.authenticationFailureLimit)
        let store = self.store
        let logger = self.logger
        let remoteName = self.remote.name
        await withCancellationShield {
            do {
                try await store.saveSyncRun(run)
                let integrationID = run.integrationID ?? ""
                let authentication = ATSBridgeError.Code.integrationAuthenticationInvalid.dotted
                let recent =
                    run.errorCode == authentication
                    ? try await store.syncRuns(integrationID: integrationID, limit: limit) : []
                let invalid = recent.count >= limit && recent.allSatisfy { $0.errorCode == authentication }
                _ = try await store.updateIntegration(id: integrationID) { integration in
                    integration.lastSyncFinishedAt = run.finishedAt
                    switch run.state {
                    case .succeeded:
                        if run.type == .full { integration.setupStatus = .completed }
                        if integration.status == .invalid { integration.status = .active }
                        integration.statusReason = nil
                    case .failed:
                        if invalid {
                            integration.status = .invalid
                            integration.statusReason =
                                "\(remoteName) rejected the credentials in \(limit) consecutive syncs "
                                + "(INTEGRATION.AUTHENTICATION_INVALID); scheduled syncs stop until the "
                                + "integration is re-created with working credentials or a sync succeeds"
                        } else {
                            integration.statusReason =
                                "the last sync failed: \(run.errorCode ?? "") \(run.errorMessage ?? "")"
                        }
                    default:
                        break
                    }
                }
                switch run.state {
                case .succeeded: logger.info("Sync succeeded", metadata: metadata)
                case .cancelled: logger.notice("Sync cancelled", metadata: metadata)
                default: logger.error("Sync failed", metadata: metadata)
                }
                if invalid {
                    logger.error(
                        "Integration marked INVALID after repeated authentication failures",
                        metadata: metadata
                    )
                }
            } catch {
                logger.error("A sync's result could not be recorded", metadata: [LogKey.errorDescription: "\(error)"])
            }
        }
    }
}

/// Another server holds the integration's sync lease.
private struct LeaseHeldElsewhere: Error {}

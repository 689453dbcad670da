import ATSBridgeCore

/// The store-held lease that makes one server the only one syncing an integration.
struct SyncLease: Sendable {
    let store: any SyncRunStore
    let integrationID: String
    let owner: String
    let duration: Duration

    /// Takes the lease; false when another server holds it.
    func acquire(at now: Int64) async throws -> Bool {
        try await self.store.acquireSyncLease(
            integrationID: self.integrationID,
            owner: self.owner,
            until: now + self.duration.milliseconds,
            at: now
        )
    }

    /// Extends the lease; fails the run when another server took it over (ours expired).
    func renew(at now: Int64) async throws {
        guard try await self.acquire(at: now) else {
            throw ATSBridgeError(.unavailable, "another server took over the sync lease of \(self.integrationID)")
        }
    }

    /// Runs `body` while renewing the lease every `interval`. When a renewal fails (the lease
    /// expired and another server took it over), `body` is cancelled and that error thrown.
    func holding<T: Sendable>(
        renewingEvery interval: Duration,
        clock: any SyncClock,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                while !Task.isCancelled {
                    try await clock.sleep(for: interval)
                    try await self.renew(at: clock.nowMilliseconds())
                }
                return nil
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }

    /// Gives the lease up, even when the run was cancelled.
    func release() async {
        let store = self.store
        let integrationID = self.integrationID
        let owner = self.owner
        // The run's task may be cancelled, and the release must still happen.
        await withCancellationShield { try? await store.releaseSyncLease(integrationID: integrationID, owner: owner) }
    }
}

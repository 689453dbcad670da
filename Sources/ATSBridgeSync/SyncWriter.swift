import ATSBridgeCore
import ATSBridgeProto

/// Writes a sync's batches to the store and keeps what a run reports: counts, the ids seen per
/// model (for tombstones), and the sync lease, renewed while the run writes.
struct SyncWriter {
    let store: any Store
    let integrationID: String
    let clock: any SyncClock
    let lease: SyncLease

    private(set) var created = 0
    private(set) var updated = 0
    private(set) var deleted = 0
    private(set) var seen: [Model: Set<String>] = [:]
    private var leaseRenewedAt: Int64
    /// Records waiting to be written, per model: larger transactions write each index page
    /// they touch once instead of once per RECRU page.
    private var pending: [Model: RecordBatch] = [:]
    private let batchSize: Int
    /// The transaction being written while the next pages are fetched and mapped: at most one,
    /// so memory stays bounded and the store sees one writer. Not fire-and-forget: every path
    /// awaits it through ``settle()`` (the next flush, the end of the run, and the run's error
    /// path in `IntegrationSync.run`), so it never outlives the run.
    private var inFlight: Task<UpsertResult, any Error>?

    init(store: any Store, integrationID: String, clock: any SyncClock, lease: SyncLease, batchSize: Int) {
        self.batchSize = max(1, batchSize)
        self.store = store
        self.integrationID = integrationID
        self.clock = clock
        self.lease = lease
        self.leaseRenewedAt = clock.nowMilliseconds()
    }

    /// Queues a page's batches, in order.
    mutating func write(_ batches: [RecordBatch]) async throws {
        for batch in batches { try await self.write(batch) }
    }

    /// Upserts a batch in one transaction; only real changes are written.
    mutating func write(_ batch: RecordBatch) async throws {
        guard batch.count > 0 else { return }
        try Task.checkCancellation()
        let ids = batch.ids
        var batch = batch
        if case .applicationStages(let stages) = batch {
            // Global stages and every project's stages come in; each is written once per run.
            let fresh = stages.filter { !self.seen[.applicationStage, default: []].contains($0.id) }
            guard !fresh.isEmpty else { return }
            batch = .applicationStages(fresh)
        }
        self.seen[batch.model, default: []].formUnion(ids)
        let model = batch.model
        if self.pending[model]?.append(contentsOf: batch) != true { self.pending[model] = batch }
        if let waiting = self.pending[model], waiting.count >= self.batchSize { try await self.flush(model) }
    }

    /// Writes every pending record and waits until it is committed.
    mutating func flush() async throws {
        for model in Array(self.pending.keys) { try await self.flush(model) }
        try await self.settle()
    }

    /// Waits for the transaction in flight, if any, and counts what it did.
    mutating func settle() async throws {
        guard let task = self.inFlight else { return }
        self.inFlight = nil
        let result = try await task.value
        self.created += result.created.count
        self.updated += result.changed.count
    }

    /// Starts writing a model's pending records once the previous transaction committed.
    private mutating func flush(_ model: Model) async throws {
        guard let batch = self.pending.removeValue(forKey: model), batch.count > 0 else { return }
        try await self.settle()
        try Task.checkCancellation()
        try await self.renewLeaseIfDue()
        let store = self.store
        let integrationID = self.integrationID
        let now = self.clock.nowMilliseconds()
        self.inFlight = Task { try await store.upsert(batch, integrationID: integrationID, at: now) }
    }

    /// Tombstones every live record of `model` this run did not see.
    mutating func tombstone(_ model: Model) async throws {
        try await self.flush()
        try Task.checkCancellation()
        try await self.renewLeaseIfDue()
        let result = try await self.store.markMissing(
            integrationID: self.integrationID,
            model: model,
            seenIDs: self.seen[model, default: []],
            at: self.clock.nowMilliseconds()
        )
        self.deleted += result.deleted.count
    }

    private mutating func renewLeaseIfDue() async throws {
        let now = self.clock.nowMilliseconds()
        guard now - self.leaseRenewedAt >= self.lease.duration.milliseconds / 3 else { return }
        try await self.lease.renew(at: now)
        self.leaseRenewedAt = now
    }
}

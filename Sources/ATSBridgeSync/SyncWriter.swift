import ATSBridgeCore
import ATSBridgeProto

/// Writes a sync's pages to the store and keeps what a run reports: counts, the ids seen per
/// model (for tombstones), and the sync lease, renewed while the run writes.
struct SyncWriter {
    let store: any Store
    let integrationID: String
    let clock: any SyncClock
    let lease: SyncLease

    private(set) var created = 0
    private(set) var updated = 0
    private(set) var deleted = 0
    /// Remote sources found unchanged and not mapped.
    private(set) var unchangedSources = 0
    private(set) var seen: [Model: RecordIDSet] = [:]
    private var leaseRenewedAt: Int64
    /// Records waiting to be written, per model, in the order their models came: larger
    /// transactions write each index page they touch once instead of once per remote page.
    private var pending: [Model: RecordBatch] = [:]
    private var pendingModels: [Model] = []
    private var pendingCount = 0
    /// Fingerprints of the sources of the pending records: written after them.
    private var pendingSources: [SourceHash] = []
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

    /// Queues a page: its records, the fingerprints of their sources, and the records of
    /// unchanged sources as seen. A page's records and fingerprints go into one write.
    mutating func write(_ page: RemotePage) async throws {
        for (model, ids) in page.unchanged { self.seen[model, default: []].formUnion(ids) }
        self.unchangedSources += page.unchangedSources
        self.pendingSources += page.sources
        for batch in page.batches { self.queue(batch) }
        if self.pendingCount >= self.batchSize { try await self.startWrite() }
    }

    /// Queues batches, in order.
    mutating func write(_ batches: [RecordBatch]) async throws {
        try await self.write(RemotePage(batches: batches))
    }

    /// Writes every pending record and waits until it is committed.
    mutating func flush() async throws {
        try await self.startWrite()
        try await self.settle()
    }

    /// Waits for the transaction in flight, if any, and counts what it did.
    mutating func settle() async throws {
        guard let task = self.inFlight else { return }
        self.inFlight = nil
        let result = try await task.value
        self.created += result.created.count
        self.updated += result.changed.count
        self.deleted += result.deleted.count
    }

    /// Starts tombstoning every live record of `model` this run did not see, once the pending
    /// records are committed. It is the transaction in flight: the next pages are fetched
    /// while it runs.
    mutating func tombstone(_ model: Model) async throws {
        try await self.flush()
        try Task.checkCancellation()
        try await self.renewLeaseIfDue()
        let store = self.store
        let integrationID = self.integrationID
        let seen = self.seen[model, default: []]
        let now = self.clock.nowMilliseconds()
        self.inFlight = Task {
            try await store.markMissing(integrationID: integrationID, model: model, seenIDs: seen, at: now)
        }
    }

    private mutating func queue(_ batch: RecordBatch) {
        guard batch.count > 0 else { return }
        var batch = batch
        if case .applicationStages(let stages) = batch {
            // Global stages and every project's stages come in; each is written once per run.
            let fresh = stages.filter { !self.seen[.applicationStage, default: []].contains($0.id) }
            guard !fresh.isEmpty else { return }
            batch = .applicationStages(fresh)
        }
        let model = batch.model
        self.seen[model, default: []].formUnion(batch.ids)
        self.pendingCount += batch.count
        if self.pending[model]?.append(contentsOf: batch) != true {
            self.pending[model] = batch
            self.pendingModels.append(model)
        }
    }

    /// Encodes the pending records, and pairs their sources' fingerprints with them, while the
    /// previous transaction is still being written, then starts writing both once it
    /// committed: the store's single writer never waits for that work, and transactions still
    /// commit in order.
    private mutating func startWrite() async throws {
        guard self.pendingCount > 0 || !self.pendingSources.isEmpty else { return }
        let batches = self.pendingModels.compactMap { self.pending[$0] }
        let pendingSources = self.pendingSources
        self.pending = [:]
        self.pendingModels = []
        self.pendingCount = 0
        self.pendingSources = []
        let encoded = try await EncodedBatch.encode(batches)
        let sources = EncodedSources(pendingSources, written: encoded)
        try await self.settle()
        try Task.checkCancellation()
        try await self.renewLeaseIfDue()
        let store = self.store
        let integrationID = self.integrationID
        let now = self.clock.nowMilliseconds()
        self.inFlight = Task {
            try await store.upsert(encoded: encoded, sources: sources, integrationID: integrationID, at: now)
        }
    }

    private mutating func renewLeaseIfDue() async throws {
        let now = self.clock.nowMilliseconds()
        guard now - self.leaseRenewedAt >= self.lease.duration.milliseconds / 3 else { return }
        try await self.lease.renew(at: now)
        self.leaseRenewedAt = now
    }
}

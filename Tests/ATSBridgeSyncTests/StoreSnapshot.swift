import ATSBridgeCore
import ATSBridgeProto
import Testing

/// Every record of an integration as (hash of own fields, deleted, changed_at), per model: what
/// the sync tests compare between runs, stores and the sandbox.
struct StoreSnapshot: Equatable {
    struct Entry: Equatable {
        var hash: [UInt8]
        var deleted: Bool
        var changedAt: Int64?
    }

    var models: [Model: [String: Entry]] = [:]

    subscript(model: Model) -> [String: Entry] { self.models[model, default: [:]] }

    /// Live records only, without times: for comparing stores synced at different times.
    var content: [Model: [String: [UInt8]]] {
        self.models.mapValues { entries in entries.filter { !$0.value.deleted }.mapValues(\.hash) }
            .filter { !$0.value.isEmpty }
    }

    /// Records and tombstones, without times.
    var contentWithTombstones: [Model: [String: [UInt8]]] {
        self.models.mapValues { entries in
            entries.mapValues { $0.hash + [$0.deleted ? 1 : 0] }
        }.filter { !$0.value.isEmpty }
    }

    /// Where two contents differ, per model (counts only: the records hold personal data).
    static func differences(_ a: [Model: [String: [UInt8]]], _ b: [Model: [String: [UInt8]]]) -> [String] {
        Set(a.keys).union(b.keys).sorted { $0.rawValue < $1.rawValue }.compactMap { model in
            let left = a[model, default: [:]]
            let right = b[model, default: [:]]
            let missing = Set(right.keys).subtracting(left.keys).count
            let extra = Set(left.keys).subtracting(right.keys).count
            let different = left.filter { right[$0.key] != nil && right[$0.key] != $0.value }.count
            guard missing + extra + different > 0 else { return nil }
            return "\(model.name ?? "?"): \(missing) missing, \(extra) extra, \(different) different"
        }
    }

    static func take(_ store: any Store, _ integrationID: String) async throws -> StoreSnapshot {
        var snapshot = StoreSnapshot()
        snapshot.models[.user] = try await self.entries(store, integrationID, .user, User.self) { .users($0) }
        snapshot.models[.job] = try await self.entries(store, integrationID, .job, Job.self) { .jobs($0) }
        snapshot.models[.candidate] = try await self.entries(store, integrationID, .candidate, Candidate.self) {
            .candidates($0)
        }
        snapshot.models[.applicationStage] = try await self.entries(
            store,
            integrationID,
            .applicationStage,
            ApplicationStage.self
        ) { .applicationStages($0) }
        snapshot.models[.application] = try await self.entries(
            store,
            integrationID,
            .application,
            Application.self
        ) { .applications($0) }
        snapshot.models[.tag] = try await self.entries(store, integrationID, .tag, Tag.self) { .tags($0) }
        snapshot.models[.candidateTag] = try await self.entries(
            store,
            integrationID,
            .candidateTag,
            CandidateTag.self
        ) { .candidateTags($0) }
        snapshot.models[.jobApplicationStage] = try await self.entries(
            store,
            integrationID,
            .jobApplicationStage,
            JobApplicationStage.self
        ) { .jobApplicationStages($0) }
        snapshot.models[.jobHiringTeamMember] = try await self.entries(
            store,
            integrationID,
            .jobHiringTeamMember,
            JobHiringTeamMember.self
        ) { .jobHiringTeamMembers($0) }
        return snapshot
    }

    /// Every record of a model, decoded.
    static func all<M: StoredRecord>(
        _ store: any Store,
        _ query: RecordQuery,
        _ type: M.Type
    ) async throws -> [M] {
        var query = query
        query.pageSize = 1000
        var records: [M] = []
        while true {
            let page = try await store.page(query)
            records += try page.records.map { bytes in
                try bytes.withUnsafeBytes { try M(decoding: $0, limits: .default) }
            }
            guard let next = page.nextCursor else { return records }
            query.cursor = next
        }
    }

    private static func entries<M: StoredRecord>(
        _ store: any Store,
        _ integrationID: String,
        _ model: Model,
        _ type: M.Type,
        _ batch: ([M]) -> RecordBatch
    ) async throws -> [String: Entry] {
        let query = RecordQuery(integrationID: integrationID, model: model, includeDeleted: true)
        let records = try await self.all(store, query, type)
        let rows = try RecordRow.rows(of: batch(records))
        var entries: [String: Entry] = [:]
        for (record, row) in zip(records, rows) {
            entries[record.id] = Entry(
                hash: row.hash,
                deleted: record.remoteDeletedAt != nil,
                changedAt: record.changedAt
            )
        }
        return entries
    }

    /// What the remote holds, listed through the port and mapped: the expected content of a
    /// store after a full sync.
    static func expected(from connection: any RemoteATSConnection) async throws -> [Model: [String: [UInt8]]] {
        var expected: [Model: [String: [UInt8]]] = [:]
        for model in [Model.user, .applicationStage, .tag, .job, .candidate, .application] {
            _ = try await connection.list(model, RemoteListingOptions()) { page in
                #expect(page.skipped == 0)
                for batch in page.batches {
                    for row in try RecordRow.rows(of: batch) { expected[batch.model, default: [:]][row.id] = row.hash }
                }
            }
        }
        return expected
    }
}

import ATSBridgeCore
import ATSBridgeProto
import Logging

/// One sync of one integration: lists the remote's models through the remote-ATS port (records
/// arrive mapped), upserts them page by page, and after each model's full listing tombstones
/// what disappeared.
///
/// Every page is its own transaction, so a run that fails or is killed leaves the store
/// consistent (some records newer than others, none half-written), and the next run completes
/// it: upserts are idempotent and tombstones only follow a complete, stable listing.
struct IntegrationSync {
    /// What a run does.
    struct Plan: Sendable {
        /// Re-list everything and tombstone what disappeared.
        var full: Bool
        /// For a delta: records changed since this time (ms), for the models whose listing the
        /// remote can limit so; `nil` lists them all.
        var changedSince: Int64?
        /// Mirror only candidates and applications created through ATSBridge.
        var onlyCreated: Bool
    }

    /// Counts of a finished run.
    struct Outcome: Sendable {
        var created = 0
        var updated = 0
        var deleted = 0
        /// Records the remote sent that could not be mapped (no id, wrong shape), skipped.
        var skipped = 0
        /// Remote sources that had not changed since they were last mapped: not mapped again.
        var unchanged = 0
    }

    let integrationID: String
    let store: any Store
    let connection: any RemoteATSConnection
    let configuration: SyncConfiguration
    let clock: any SyncClock
    let lease: SyncLease
    let logger: Logger

    func run(_ plan: Plan) async throws -> Outcome {
        var writer = SyncWriter(
            store: self.store,
            integrationID: self.integrationID,
            clock: self.clock,
            lease: self.lease,
            batchSize: self.configuration.writeBatchSize
        )
        do {
            return try await self.run(plan, &writer)
        } catch {
            // A transaction still in flight commits (or fails) before the run is recorded.
            try? await writer.settle()
            throw error
        }
    }

    private func run(_ plan: Plan, _ writer: inout SyncWriter) async throws -> Outcome {
        // Models whose listing was complete and stable: only those are tombstoned.
        var stable: Set<Model> = []

        // Users.
        var userSkips = 0
        let usersStable = try await self.list(.user, plan) { page in
            userSkips += page.skipped
            try await writer.write(page)
        }
        if usersStable && userSkips == 0 { stable.insert(.user) }
        try await writer.flush()
        try await self.tombstone([.user], plan, stable, &writer)

        // Global stages and tags: small, unpaged lists.
        var projectSkips = 0
        _ = try await self.list(.applicationStage, plan) { page in
            projectSkips += page.skipped
            try await writer.write(page.batches)
        }
        var tagSkips = 0
        _ = try await self.list(.tag, plan) { page in
            tagSkips += page.skipped
            try await writer.write(page.batches)
        }
        if tagSkips == 0 { stable.insert(.tag) }
        try await self.tombstone([.tag], plan, stable, &writer)

        // Jobs with their stages and hiring teams.
        let jobsStable = try await self.list(.job, plan) { page in
            projectSkips += page.skipped
            try await writer.write(page)
        }
        if jobsStable && projectSkips == 0 {
            stable.formUnion([.job, .applicationStage, .jobApplicationStage, .jobHiringTeamMember])
        }
        try await writer.flush()
        try await self.tombstone(
            [.applicationStage, .job, .jobApplicationStage, .jobHiringTeamMember],
            plan,
            stable,
            &writer
        )

        // Applications, then candidates: with "sync only created applications", a candidate is
        // mirrored when it was created here or has an application that was.
        let createdApplications =
            plan.onlyCreated
            ? try await self.store.createdHere(integrationID: self.integrationID, model: .application) : []
        var keptCandidates: Set<String> =
            plan.onlyCreated
            ? Set(
                try await self.store.createdHere(integrationID: self.integrationID, model: .candidate).map {
                    RecordID.make(integrationID: self.integrationID, model: .candidate, remoteID: $0)
                }
            ) : []
        var applicationSkips = 0
        let applicationsStable = try await self.list(.application, plan) { page in
            applicationSkips += page.skipped
            guard plan.onlyCreated else { return try await writer.write(page) }
            for case .applications(let applications) in page.batches {
                let kept = applications.filter { createdApplications.contains($0.remoteID ?? "") }
                keptCandidates.formUnion(kept.compactMap(\.candidateID))
                try await writer.write([.applications(kept)])
            }
        }
        if applicationsStable && applicationSkips == 0 { stable.insert(.application) }
        try await writer.flush()
        try await self.tombstone([.application], plan, stable, &writer)

        var candidateSkips = 0
        let candidatesStable = try await self.list(.candidate, plan) { page in
            candidateSkips += page.skipped
            guard plan.onlyCreated else { return try await writer.write(page) }
            try await writer.write(page.batches.map { Self.only(keptCandidates, $0) })
        }
        if candidatesStable && candidateSkips == 0 { stable.formUnion([.candidate, .candidateTag]) }

        try await writer.flush()
        try await self.tombstone([.candidate, .candidateTag], plan, stable, &writer)
        try await writer.flush()
        let skipped = userSkips + projectSkips + applicationSkips + candidateSkips + tagSkips
        if plan.full {
            let unstable = Model.synced.filter { !stable.contains($0) }
            if !unstable.isEmpty {
                self.logger.warning(
                    "Some remote lists changed during the sync or held unreadable records; their deletions wait for the next full sync",
                    metadata: [
                        LogKey.integrationID: "\(self.integrationID)",
                        LogKey.syncModels: "\(unstable.compactMap(\.name))",
                    ]
                )
            }
        }
        return Outcome(
            created: writer.created,
            updated: writer.updated,
            deleted: writer.deleted,
            skipped: skipped,
            unchanged: writer.unchangedSources
        )
    }

    /// After a full listing of `models`, tombstones those whose listing was stable; each runs
    /// while the next model is fetched.
    private func tombstone(_ models: [Model], _ plan: Plan, _ stable: Set<Model>, _ writer: inout SyncWriter)
        async throws
    {
        guard plan.full else { return }
        for model in models where stable.contains(model) { try await writer.tombstone(model) }
    }

    /// Lists a model through the port; a delta passes its time only where the remote filters.
    ///
    /// Sources the store remembers unchanged are skipped (docs/sync.md, "Unchanged sources"),
    /// except with "sync only created applications", whose filter needs every record mapped.
    private func list(
        _ model: Model,
        _ plan: Plan,
        _ body: (RemotePage) async throws -> Void
    ) async throws -> Bool {
        let options = RemoteListingOptions(
            changedSince: self.connection.changedSinceModels.contains(model) ? plan.changedSince : nil,
            pageSize: self.configuration.pageSize,
            concurrency: max(1, self.configuration.fetchConcurrency)
        )
        guard self.configuration.skipUnchangedSources, !plan.onlyCreated else {
            return try await self.connection.list(model, options, body)
        }
        let store = self.store
        let integrationID = self.integrationID
        return try await self.connection.list(
            model,
            options,
            sources: { model, remoteIDs in
                try await store.sourceHashes(integrationID: integrationID, model: model, remoteIDs: remoteIDs)
            },
            body
        )
    }

    /// A candidate page's batch, keeping only the given candidates and their tag joins.
    private static func only(_ candidateIDs: Set<String>, _ batch: RecordBatch) -> RecordBatch {
        switch batch {
        case .candidates(let candidates): .candidates(candidates.filter { candidateIDs.contains($0.id) })
        case .candidateTags(let joins): .candidateTags(joins.filter { candidateIDs.contains($0.candidateID ?? "") })
        default: batch
        }
    }
}

extension Model {
    /// Every model a sync mirrors, in tombstone order.
    static let synced: [Model] = [
        .user, .applicationStage, .tag, .job, .jobApplicationStage, .jobHiringTeamMember, .application, .candidate,
        .candidateTag,
    ]
}

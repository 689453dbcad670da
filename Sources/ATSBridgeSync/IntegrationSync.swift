import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRECRU
import Logging

/// One sync of one integration: lists RECRU's models, maps them, upserts them page by page,
/// and after a full listing tombstones what disappeared.
///
/// Every page is its own transaction, so a run that fails or is killed leaves the store
/// consistent (some records newer than others, none half-written), and the next run completes
/// it: upserts are idempotent and tombstones only follow a complete, stable listing.
struct IntegrationSync {
    /// What a run does.
    struct Plan: Sendable {
        /// Re-list everything and tombstone what disappeared.
        var full: Bool
        /// For a delta: projects changed since this time (ms); `nil` lists them all.
        var projectsChangedSince: Int64?
        /// Mirror only candidates and applications created through ATSBridge.
        var onlyCreated: Bool
    }

    /// Counts of a finished run.
    struct Outcome: Sendable {
        var created = 0
        var updated = 0
        var deleted = 0
        /// Records RECRU sent that could not be mapped (no id, wrong shape), skipped.
        var skipped = 0
    }

    let integrationID: String
    let store: any Store
    let client: RECRUClient
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
        let mapper = RECRUMapper(integrationID: self.integrationID)
        let walker = PageWalker(
            client: self.client,
            pageSize: min(200, max(1, self.configuration.pageSize)),
            concurrency: max(1, self.configuration.fetchConcurrency)
        )
        // Models whose listing was complete and stable: only those are tombstoned.
        var stable: Set<Model> = []

        // Users.
        var userSkips = 0
        let usersStable = try await walker.walk(
            "UserService.getList",
            map: { items in
                Mapped(items) { try mapper.user($0) }
            }
        ) { page in
            userSkips += page.skipped
            try await writer.write(.users(page.records))
        }
        if usersStable && userSkips == 0 { stable.insert(.user) }
        try await writer.flush()

        // Global stages and tags: small, unpaged lists.
        let globalStages = try await self.list("ProjectService.getStages") { try mapper.stage($0) }
        try await writer.write(.applicationStages(globalStages.records))
        let tags = try await self.list("TagService.getList") { try mapper.tag($0) }
        try await writer.write(.tags(tags.records))
        if tags.skipped == 0 { stable.insert(.tag) }

        // Projects: jobs with their stages and hiring teams.
        var params: [String: String] = [:]
        if let since = plan.projectsChangedSince { params["changed_since"] = ISODates.format(since) }
        var projectSkips = globalStages.skipped
        let projectsStable = try await walker.walk(
            "ProjectService.getList",
            params,
            map: { items in
                MappedProjects(items, mapper)
            }
        ) { page in
            projectSkips += page.skipped
            try await writer.write(.jobs(page.jobs))
            try await writer.write(.applicationStages(page.stages))
            try await writer.write(.jobApplicationStages(page.stageJoins))
            try await writer.write(.jobHiringTeamMembers(page.hiringTeam))
        }
        if projectsStable && projectSkips == 0 {
            stable.formUnion([.job, .applicationStage, .jobApplicationStage, .jobHiringTeamMember])
        }
        try await writer.flush()

        // Applications, then candidates: with "sync only created applications", a candidate is
        // mirrored when it was created here or has an application that was.
        let createdApplications =
            plan.onlyCreated
            ? try await self.store.createdHere(integrationID: self.integrationID, model: .application) : []
        var createdCandidates =
            plan.onlyCreated
            ? try await self.store.createdHere(integrationID: self.integrationID, model: .candidate) : []
        var applicationSkips = 0
        let applicationsStable = try await walker.walk(
            "ApplicationService.getList",
            map: { items in
                MappedApplications(items, mapper, only: plan.onlyCreated ? createdApplications : nil)
            }
        ) { page in
            applicationSkips += page.skipped
            createdCandidates.formUnion(page.candidateRemoteIDs)
            try await writer.write(.applications(page.applications))
        }
        if applicationsStable && applicationSkips == 0 { stable.insert(.application) }
        try await writer.flush()

        let candidateFilter = plan.onlyCreated ? createdCandidates : nil
        var candidateSkips = 0
        let candidatesStable = try await walker.walk(
            "JobseekerService.getList",
            map: { items in
                MappedCandidates(items, mapper, only: candidateFilter)
            }
        ) { page in
            candidateSkips += page.skipped
            try await writer.write(.candidates(page.candidates))
            try await writer.write(.candidateTags(page.tags))
        }
        if candidatesStable && candidateSkips == 0 { stable.formUnion([.candidate, .candidateTag]) }

        try await writer.flush()
        let skipped = userSkips + projectSkips + applicationSkips + candidateSkips + tags.skipped
        if plan.full {
            for model in Model.synced where stable.contains(model) {
                try await writer.tombstone(model)
            }
            let unstable = Model.synced.filter { !stable.contains($0) }
            if !unstable.isEmpty {
                self.logger.warning(
                    "Some RECRU lists changed during the sync or held unreadable records; their deletions wait for the next full sync",
                    metadata: ["integration": "\(self.integrationID)", "models": "\(unstable.compactMap(\.name))"]
                )
            }
        }
        return Outcome(created: writer.created, updated: writer.updated, deleted: writer.deleted, skipped: skipped)
    }

    /// An unpaged list (stages, tags).
    private func list<T: Sendable>(_ method: String, _ map: ([String: Any]) throws -> T) async throws -> Mapped<T> {
        guard let items = try await self.client.call(method) as? [[String: Any]] else {
            throw ATSBridgeError(.remoteUnknown, "RECRU answered \(method) with an unexpected shape")
        }
        return Mapped(items, map)
    }
}

extension Model {
    /// Every model a sync mirrors, in tombstone order.
    static let synced: [Model] = [
        .user, .applicationStage, .tag, .job, .jobApplicationStage, .jobHiringTeamMember, .application, .candidate,
        .candidateTag,
    ]
}

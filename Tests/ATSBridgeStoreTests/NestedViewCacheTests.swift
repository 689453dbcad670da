import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import Testing

/// Kept nested views (docs/store.md): after every kind of change a refreshed view equals the
/// one assembled from scratch, and a stale one is never served.
@Suite struct NestedViewCacheTests {
    let fixture = StoreFixture()
    var integration: String { self.fixture.integrationID }

    private func makeStore() async throws -> SQLiteStore {
        try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: temporaryDatabasePath()))
    }

    /// Every record of the models with nested views, as served.
    private func snapshot(_ store: SQLiteStore) async throws -> [[UInt8]] {
        var all: [[UInt8]] = []
        for model in [Model.candidate, .job, .application] {
            var query = RecordQuery(integrationID: self.integration, model: model)
            query.includeDeleted = true
            while true {
                let page = try await store.page(query)
                all += page.records
                guard let next = page.nextCursor else { break }
                query.cursor = next
            }
        }
        return all
    }

    private func refreshAll(_ store: SQLiteStore) async throws -> Int {
        var total = 0
        while true {
            let refreshed = try await store.refreshStaleViews(limit: 2)
            total += refreshed
            if refreshed < 2 { return total }
        }
    }

    /// Applies `change` to a loaded, fully refreshed store, then checks that reads before and
    /// after the refresh both equal the views assembled from scratch.
    private func check(
        _ name: Comment,
        _ change: (SQLiteStore) async throws -> Void
    ) async throws {
        let store = try await self.makeStore()
        try await self.fixture.load(into: store)
        _ = try await self.refreshAll(store)
        let before = try await self.snapshot(store)
        try await change(store)
        let stale = try await self.snapshot(store)
        _ = try await self.refreshAll(store)
        let kept = try await self.snapshot(store)
        try await store.invalidateAllViews()
        let truth = try await self.snapshot(store)
        // Counts of differing records, so a failure names how many, not every byte.
        func differences(_ a: [[UInt8]], _ b: [[UInt8]]) -> Int {
            zip(a, b).filter { $0 != $1 }.count + abs(a.count - b.count)
        }
        #expect(differences(stale, truth) == 0, name)
        #expect(differences(kept, truth) == 0, name)
        #expect(differences(before, truth) > 0, "the change is visible in some record: \(name)")
    }

    @Test func everyRecordWithNestedViewsIsRefreshedOnce() async throws {
        let store = try await self.makeStore()
        try await self.fixture.load(into: store)
        let assembled = try await self.snapshot(store)
        // 2 jobs, 3 candidates, 2 applications.
        #expect(try await self.refreshAll(store) == 7)
        #expect(try await store.refreshStaleViews(limit: 100) == 0)
        await #expect(throws: ATSBridgeError.self) { try await store.refreshStaleViews(limit: 0) }
        #expect(try await self.snapshot(store) == assembled)
        // Identical data written again leaves the kept views alone.
        try await self.fixture.load(into: store, at: 2_000)
        #expect(try await store.refreshStaleViews(limit: 100) == 0)
    }

    @Test func aRenamedJobShowsInApplicationsAndTheirCandidates() async throws {
        try await self.check("job renamed") { store in
            var jobs = self.fixture.jobs
            jobs[0].name = "Staff Engineer"
            _ = try await store.upsert(.jobs(jobs), integrationID: self.integration, at: 5_000)
        }
    }

    @Test func aRenamedStageShowsEverywhere() async throws {
        try await self.check("stage renamed") { store in
            var stages = self.fixture.stages
            stages[1].name = "Technický pohovor"
            _ = try await store.upsert(.applicationStages(stages), integrationID: self.integration, at: 5_000)
        }
    }

    @Test func aReorderedPipelineShowsInJobsAndApplications() async throws {
        try await self.check("stage index") { store in
            var joins = self.fixture.jobStages
            joins[1].index = 7
            _ = try await store.upsert(.jobApplicationStages(joins), integrationID: self.integration, at: 5_000)
        }
    }

    @Test func aRenamedTagShowsInCandidatesAndApplications() async throws {
        try await self.check("tag renamed") { store in
            var tags = self.fixture.tags
            tags[0].name = "VVIP"
            _ = try await store.upsert(.tags(tags), integrationID: self.integration, at: 5_000)
        }
    }

    @Test func aChangedUserShowsInHiringTeams() async throws {
        try await self.check("user changed") { store in
            var users = self.fixture.users
            users[0].lastName = "Kováčová"
            _ = try await store.upsert(.users(users), integrationID: self.integration, at: 5_000)
        }
    }

    @Test func aChangedCandidateShowsInItsApplications() async throws {
        try await self.check("candidate changed") { store in
            var candidates = self.fixture.candidates
            candidates[0].lastName = "Šťastná"
            _ = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 5_000)
        }
    }

    @Test func anApplicationMovedToAnotherCandidateAndStage() async throws {
        try await self.check("application moved") { store in
            var applications = self.fixture.applications
            applications[0].candidateID = self.fixture.id(.candidate, "c3")
            applications[0].currentStageID = self.fixture.id(.applicationStage, "s1")
            _ = try await store.upsert(.applications(applications), integrationID: self.integration, at: 5_000)
        }
    }

    @Test func tombstonesAndRemovedChildrenShow() async throws {
        try await self.check("tombstones") { store in
            for model in [Model.candidateTag, .jobHiringTeamMember, .application] {
                _ = try await store.markMissing(integrationID: self.integration, model: model, seenIDs: [], at: 5_000)
            }
        }
    }

    @Test func blankedPersonalDataShowsInApplications() async throws {
        try await self.check("blanked") { store in
            _ = try await store.markMissing(
                integrationID: self.integration,
                model: .candidate,
                seenIDs: [],
                at: 5_000
            )
            #expect(try await store.blankDeletedPersonalData(deletedBefore: 6_000) == 3)
        }
    }

    @Test func newChildrenShowInTheirParents() async throws {
        try await self.check("new children") { store in
            let application = Application(
                id: self.fixture.id(.application, "a3"),
                remoteID: "a3",
                currentStageID: self.fixture.id(.applicationStage, "s1"),
                jobID: self.fixture.id(.job, "p1"),
                candidateID: self.fixture.id(.candidate, "c2")
            )
            let tag = CandidateTag(
                id: self.fixture.id(.candidateTag, "c2-t2"),
                candidateID: self.fixture.id(.candidate, "c2"),
                tagID: self.fixture.id(.tag, "t2")
            )
            _ = try await store.upsert(
                batches: [.applications([application]), .candidateTags([tag])],
                integrationID: self.integration,
                at: 5_000
            )
        }
    }

    /// One transaction names a parent again and again (a sync writes candidates, then their
    /// applications, then their tags); the views it cleared once are not cleared again
    /// (`ClearedViews`), and every read still shows every change.
    @Test(arguments: [true, false])
    func oneCallNamingAParentManyTimesShowsEveryChange(candidateChanged: Bool) async throws {
        try await self.check("one call, many batches") { store in
            var candidates = self.fixture.candidates
            candidates[1].lastName = "Nováková-Malá"
            var applications = self.fixture.applications
            applications[1].outcome = .declined
            let tag = CandidateTag(
                id: self.fixture.id(.candidateTag, "c2-t2"),
                candidateID: self.fixture.id(.candidate, "c2"),
                tagID: self.fixture.id(.tag, "t2")
            )
            let batches: [RecordBatch] = [.applications(applications), .candidateTags([tag])]
            _ = try await store.upsert(
                batches: candidateChanged ? [.candidates(candidates)] + batches : batches,
                integrationID: self.integration,
                at: 5_000
            )
        }
    }
}

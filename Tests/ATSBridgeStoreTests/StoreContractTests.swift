import ATSBridgeCore
import ATSBridgeProto
import Crypto
import Testing

/// The contract every store backend must pass: the unified API's change semantics.
@Suite struct StoreContractTests {
    let fixture = StoreFixture()
    var integration: String { self.fixture.integrationID }

    func query(_ model: Model, _ configure: (inout RecordQuery) -> Void = { _ in }) -> RecordQuery {
        var query = RecordQuery(integrationID: self.integration, model: model)
        configure(&query)
        return query
    }

    @Test(arguments: StoreKind.allCases)
    func upsertCreatesThenIdenticalDataWritesNothing(kind: StoreKind) async throws {
        let store = try await kind.make()
        let first = try await store.upsert(
            .candidates(self.fixture.candidates),
            integrationID: self.integration,
            at: 1_000
        )
        #expect(first.created.count == 3 && first.changed.isEmpty && first.unchanged == 0)
        let changesBefore = try await store.changes(integrationID: self.integration, after: 0, limit: 100)

        let again = try await store.upsert(
            .candidates(self.fixture.candidates),
            integrationID: self.integration,
            at: 2_000
        )
        #expect(again.created.isEmpty && again.changed.isEmpty && again.unchanged == 3)
        let candidates = try await store.all(Candidate.self, self.query(.candidate))
        #expect(candidates.allSatisfy { $0.changedAt == 1_000 })
        #expect(try await store.changes(integrationID: self.integration, after: 0, limit: 100) == changesBefore)
    }

    @Test(arguments: StoreKind.allCases)
    func changedAtMovesOnlyForTheChangedRecord(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await self.fixture.load(into: store)
        var candidates = self.fixture.candidates
        candidates[1].emailAddresses = [EmailAddress(emailAddress: "eva@new.sk")]
        let result = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 5_000)
        #expect(result.changed == [candidates[1].id])
        #expect(result.unchanged == 2)
        let stored = try await store.all(Candidate.self, self.query(.candidate))
        #expect(stored.first { $0.id == candidates[1].id }?.changedAt == 5_000)
        #expect(stored.filter { $0.changedAt == 1_000 }.count == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func nestedViewsAreAssembled(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await self.fixture.load(into: store)
        let ján = try #require(
            try await store.get(Candidate.self, .candidate, self.fixture.id(.candidate, "c1"), self.integration)
        )
        #expect(ján.firstName == "Ján")
        #expect(ján.changedAt == 1_000)
        #expect(ján.tags == [TagSummary(id: self.fixture.id(.tag, "t1"), remoteID: "t1", name: "VIP")])
        let application = try #require(ján.applications.first)
        #expect(ján.applications.count == 1)
        #expect(application.outcome == .pending)
        #expect(
            application.currentStage
                == StageSummary(id: self.fixture.id(.applicationStage, "s2"), remoteID: "s2", name: "Pohovor", index: 1)
        )
        #expect(
            application.job
                == JobSummary(id: self.fixture.id(.job, "p1"), remoteID: "p1", name: "Backend Engineer (Swift)")
        )

        let job = try #require(try await store.get(Job.self, .job, self.fixture.id(.job, "p1"), self.integration))
        #expect(job.stages.map(\.name) == ["Nový", "Pohovor"])
        #expect(job.stages.map(\.index) == [0, 1])
        #expect(job.hiringTeam.map(\.lastName) == ["Horváthová"])
        #expect(job.hiringTeam.first?.roles.first?.unifiedType == .hiringManager)

        let app = try #require(
            try await store.get(Application.self, .application, self.fixture.id(.application, "a1"), self.integration)
        )
        #expect(app.candidate?.firstName == "Ján")
        #expect(app.candidate?.tags.map(\.name) == ["VIP"])
        #expect(app.candidate?.emailAddresses.count == 2)
        #expect(app.currentStage?.name == "Pohovor")
        #expect(app.job?.name == "Backend Engineer (Swift)")
        #expect(try await store.get(Candidate.self, .candidate, "nope", self.integration) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func nestedChangesMoveTheParentForUpdatedAfterButNotItsChangedAt(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await self.fixture.load(into: store)
        let c2 = self.fixture.id(.candidate, "c2")
        // Tagging a candidate.
        let tag = CandidateTag(
            id: self.fixture.id(.candidateTag, "c2-t1"),
            candidateID: c2,
            tagID: self.fixture.id(.tag, "t1")
        )
        _ = try await store.upsert(.candidateTags([tag]), integrationID: self.integration, at: 3_000)
        let updated = try await store.all(Candidate.self, self.query(.candidate) { $0.updatedAfter = 2_000 })
        #expect(updated.map(\.id) == [c2])
        #expect(updated.first?.changedAt == 1_000)

        // Moving an application's stage: the application changed, and the candidate through its nested rule.
        var applications = self.fixture.applications
        applications[0].currentStageID = self.fixture.id(.applicationStage, "s1")
        _ = try await store.upsert(.applications(applications), integrationID: self.integration, at: 4_000)
        let movedApplications = try await store.all(
            Application.self,
            self.query(.application) { $0.updatedAfter = 3_500 }
        )
        #expect(movedApplications.map(\.id) == [applications[0].id])
        #expect(movedApplications.first?.changedAt == 4_000)
        let movedCandidates = try await store.all(Candidate.self, self.query(.candidate) { $0.updatedAfter = 3_500 })
        #expect(movedCandidates.map(\.id) == [self.fixture.id(.candidate, "c1")])

        // Renaming a stage (linked current stage) touches its applications, not jobs.
        var stages = self.fixture.stages
        stages[0].name = "Nový kandidát"
        _ = try await store.upsert(.applicationStages(stages), integrationID: self.integration, at: 5_000)
        let linked = try await store.all(Application.self, self.query(.application) { $0.updatedAfter = 4_500 })
        #expect(Set(linked.map(\.id)) == Set(applications.map(\.id)))
        #expect(try await store.all(Job.self, self.query(.job) { $0.updatedAfter = 4_500 }).isEmpty)

        // Adding a stage to a job touches the job.
        let join = JobApplicationStage(
            id: self.fixture.id(.jobApplicationStage, "p2-s1"),
            index: 0,
            jobID: self.fixture.id(.job, "p2"),
            stageID: self.fixture.id(.applicationStage, "s1")
        )
        _ = try await store.upsert(.jobApplicationStages([join]), integrationID: self.integration, at: 6_000)
        let jobs = try await store.all(Job.self, self.query(.job) { $0.updatedAfter = 5_500 })
        #expect(jobs.map(\.id) == [self.fixture.id(.job, "p2")])
        #expect(jobs.first?.stages.map(\.name) == ["Nový kandidát"])
    }

    /// A full sync's tombstone pass over more records than one statement names: only the
    /// unseen ones are marked (each once, in the change log too), and a second pass with the
    /// same ids marks nothing.
    @Test(arguments: StoreKind.allCases)
    func tombstonesMarkExactlyTheUnseenRecordsOfAManyRecordModel(kind: StoreKind) async throws {
        let store = try await kind.make()
        let candidates = (0..<1_300).map { Candidate(id: self.fixture.id(.candidate, "m\($0)"), remoteID: "m\($0)") }
        _ = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 1_000)
        let before = try await store.lastChangeSequence(integrationID: self.integration)
        let seen = Set(candidates.enumerated().filter { $0.offset % 3 == 0 }.map(\.element.id))
        let unseen = candidates.map(\.id).filter { !seen.contains($0) }
        let result = try await store.markMissing(
            integrationID: self.integration,
            model: .candidate,
            seenIDs: RecordIDSet(seen),
            at: 2_000
        )
        #expect(Set(result.deleted) == Set(unseen))
        #expect(result.deleted.count == unseen.count)
        let live = try await store.all(Candidate.self, self.query(.candidate) { $0.pageSize = 500 })
        #expect(Set(live.map(\.id)) == seen)
        let logged = try await store.changes(integrationID: self.integration, after: before, limit: 2_000)
        #expect(logged.count == unseen.count && logged.allSatisfy { $0.kind == .deleted })
        let again = try await store.markMissing(
            integrationID: self.integration,
            model: .candidate,
            seenIDs: RecordIDSet(seen),
            at: 3_000
        )
        #expect(again.deleted.isEmpty)
        // Other models are not touched.
        #expect(
            try await store.markMissing(integrationID: self.integration, model: .tag, seenIDs: [], at: 4_000).deleted
                .isEmpty
        )
    }

    @Test(arguments: StoreKind.allCases)
    func tombstonesHideDeletedRecordsAndReappearanceRestores(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await self.fixture.load(into: store)
        let c3 = self.fixture.id(.candidate, "c3")
        let seen = Set(self.fixture.candidates.map(\.id)).subtracting([c3])
        let result = try await store.markMissing(
            integrationID: self.integration,
            model: .candidate,
            seenIDs: RecordIDSet(seen),
            at: 7_000
        )
        #expect(result.deleted == [c3])
        #expect(try await store.all(Candidate.self, self.query(.candidate)).count == 2)
        let withDeleted = try await store.all(Candidate.self, self.query(.candidate) { $0.includeDeleted = true })
        #expect(withDeleted.first { $0.id == c3 }?.remoteDeletedAt == 7_000)

        let back = try await store.upsert(
            .candidates(self.fixture.candidates),
            integrationID: self.integration,
            at: 8_000
        )
        #expect(back.changed == [c3])
        let restored = try #require(try await store.get(Candidate.self, .candidate, c3, self.integration))
        #expect(restored.remoteDeletedAt == nil)
        #expect(try await store.all(Candidate.self, self.query(.candidate)).count == 3)

        // A deleted application removes itself from its candidate's nested view and touches it.
        let seenApplications = Set([self.fixture.id(.application, "a2")])
        _ = try await store.markMissing(
            integrationID: self.integration,
            model: .application,
            seenIDs: RecordIDSet(seenApplications),
            at: 9_000
        )
        let c1 = try #require(
            try await store.get(Candidate.self, .candidate, self.fixture.id(.candidate, "c1"), self.integration)
        )
        #expect(c1.applications.isEmpty)
        let touched = try await store.all(Candidate.self, self.query(.candidate) { $0.updatedAfter = 8_500 })
        #expect(touched.map(\.id) == [c1.id])
    }

    @Test(arguments: StoreKind.allCases)
    func personalDataOfDeletedRecordsIsBlankedAfterRetention(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await self.fixture.load(into: store)
        _ = try await store.markMissing(integrationID: self.integration, model: .candidate, seenIDs: [], at: 10_000)
        #expect(try await store.blankDeletedPersonalData(deletedBefore: 10_000) == 0)
        #expect(try await store.blankDeletedPersonalData(deletedBefore: 10_001) == 3)
        let blanked = try await store.all(Candidate.self, self.query(.candidate) { $0.includeDeleted = true })
        #expect(blanked.count == 3)
        #expect(blanked.allSatisfy { $0.firstName == nil && $0.emailAddresses.isEmpty && $0.remoteDeletedAt == 10_000 })
        let byEmail = try await store.all(
            Candidate.self,
            self.query(.candidate) {
                $0.includeDeleted = true
                $0.filter = .candidates(email: "j@work.cz", jobIDs: [], firstName: nil, lastName: nil)
            }
        )
        #expect(byEmail.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func retentionPolicyDefaultsToFourteenDays(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await self.fixture.load(into: store)
        let day: Int64 = 24 * 3600 * 1000
        _ = try await store.markMissing(integrationID: self.integration, model: .candidate, seenIDs: [], at: 10 * day)
        #expect(try await store.applyRetention(.defaults, now: 23 * day).blanked == 0)
        #expect(try await store.applyRetention(.defaults, now: 24 * day + 1).blanked == 3)
        var policy = RetentionPolicy()
        policy.deletedPersonalData = .seconds(3600)
        #expect(try await store.applyRetention(policy, now: 30 * day).blanked == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func filtersAndAcrossAndOrWithin(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await self.fixture.load(into: store)
        func candidates(_ filter: ModelFilter) async throws -> Set<String> {
            Set(
                try await store.all(Candidate.self, self.query(.candidate) { $0.filter = filter }).compactMap(
                    \.remoteID
                )
            )
        }
        // Email matches case-insensitively over all of a candidate's addresses.
        #expect(
            try await candidates(
                .candidates(email: "JAN.STASTNY@example.SK", jobIDs: [], firstName: nil, lastName: nil)
            ) == ["c1", "c3"]
        )
        #expect(
            try await candidates(.candidates(email: "J@WORK.cz", jobIDs: [], firstName: nil, lastName: nil)) == ["c1"]
        )
        #expect(
            try await candidates(.candidates(email: nil, jobIDs: [], firstName: "JÁN", lastName: nil)) == ["c1", "c3"]
        )
        #expect(
            try await candidates(.candidates(email: nil, jobIDs: [], firstName: "ján", lastName: "kováč")) == ["c3"]
        )
        let jobIDs = [self.fixture.id(.job, "p2"), self.fixture.id(.job, "nope")]
        #expect(try await candidates(.candidates(email: nil, jobIDs: jobIDs, firstName: nil, lastName: nil)) == ["c2"])

        func jobs(_ filter: ModelFilter) async throws -> Set<String> {
            Set(try await store.all(Job.self, self.query(.job) { $0.filter = filter }).compactMap(\.remoteID))
        }
        #expect(
            try await jobs(.jobs(statuses: [.open, .closed], employmentTypes: [], visibilities: [], nameContains: nil))
                == ["p1", "p2"]
        )
        #expect(
            try await jobs(
                .jobs(statuses: [.open, .closed], employmentTypes: [.seasonal], visibilities: [], nameContains: nil)
            ) == ["p2"]
        )
        #expect(
            try await jobs(.jobs(statuses: [], employmentTypes: [], visibilities: [.public], nameContains: nil)) == [
                "p1"
            ]
        )
        #expect(
            try await jobs(.jobs(statuses: [], employmentTypes: [], visibilities: [], nameContains: "KOŠICE")) == ["p2"]
        )

        func applications(_ filter: ModelFilter) async throws -> Set<String> {
            Set(
                try await store.all(Application.self, self.query(.application) { $0.filter = filter }).compactMap(
                    \.remoteID
                )
            )
        }
        #expect(
            try await applications(.applications(outcomes: [.hired], jobIDs: [], jobRemoteIDs: [], currentStageIDs: []))
                == ["a2"]
        )
        #expect(
            try await applications(.applications(outcomes: [], jobIDs: [], jobRemoteIDs: ["p1"], currentStageIDs: []))
                == ["a1"]
        )
        let s2 = self.fixture.id(.applicationStage, "s2")
        #expect(
            try await applications(
                .applications(outcomes: [.pending, .hired], jobIDs: [], jobRemoteIDs: [], currentStageIDs: [s2])
            ) == ["a1"]
        )

        let users = try await store.all(
            User.self,
            self.query(.user) { $0.filter = .users(emails: ["zuzana@EXAMPLE.sk", "x@y.z"]) }
        )
        #expect(users.map(\.remoteID) == ["u1"])

        // Common filters.
        let byIDs = try await store.all(
            Candidate.self,
            self.query(.candidate) { $0.ids = [self.fixture.id(.candidate, "c2")] }
        )
        #expect(byIDs.map(\.remoteID) == ["c2"])
        let byRemote = try await store.all(
            Candidate.self,
            self.query(.candidate) {
                $0.remoteIDs = ["c1", "c3"]; $0.ids = [self.fixture.id(.candidate, "c3")]
            }
        )
        #expect(byRemote.map(\.remoteID) == ["c3"])
    }

    @Test(arguments: StoreKind.allCases)
    func pagingIsStableWhileRecordsChangeBetweenPages(kind: StoreKind) async throws {
        let store = try await kind.make()
        let candidates = (0..<250).map {
            Candidate(
                id: RecordID.make(integrationID: self.integration, model: .candidate, remoteID: "r\($0)"),
                remoteID: "r\($0)",
                firstName: "N\($0)"
            )
        }
        _ = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 1_000)
        var query = self.query(.candidate) { $0.pageSize = 100 }
        var seen: [String] = []
        var round = 0
        while true {
            let page = try await store.page(query)
            seen += try page.records.map { try Candidate(decoding: $0).id }
            // Between pages: change every record, and add new ones.
            round += 1
            let changed = candidates.map { candidate -> Candidate in
                var candidate = candidate
                candidate.lastName = "round \(round)"
                return candidate
            }
            let added = (0..<10).map {
                Candidate(
                    id: RecordID.make(integrationID: self.integration, model: .candidate, remoteID: "n\(round)-\($0)"),
                    remoteID: "n\(round)-\($0)"
                )
            }
            _ = try await store.upsert(
                .candidates(changed + added),
                integrationID: self.integration,
                at: 1_000 + Int64(round)
            )
            guard let next = page.nextCursor else { break }
            query.cursor = next
        }
        // Every record that existed throughout appears exactly once.
        #expect(Set(seen).count == seen.count)
        #expect(Set(candidates.map(\.id)).isSubset(of: Set(seen)))
    }

    @Test(arguments: StoreKind.allCases)
    func forgedCorruptOrMismatchedCursorsAreInvalidArgument(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await self.fixture.load(into: store)
        let first = try await store.page(self.query(.candidate) { $0.pageSize = 1 })
        let cursor = try #require(first.nextCursor)
        for bad in [
            "", "garbage", String(cursor.dropLast()), cursor + "A", String(cursor.reversed()),
            PageCursor(lastID: "x", fingerprint: 1).encode(secret: .init(size: .bits256)),
        ] {
            await #expect(throws: ATSBridgeError.self) {
                _ = try await store.page(
                    self.query(.candidate) {
                        $0.pageSize = 1; $0.cursor = bad
                    }
                )
            }
        }
        // The same cursor with other filters.
        await #expect {
            _ = try await store.page(
                self.query(.candidate) {
                    $0.pageSize = 1; $0.cursor = cursor; $0.includeDeleted = true
                }
            )
        } throws: { ($0 as? ATSBridgeError)?.code.status == .invalidArgument }
        // And it still works for its own query.
        let second = try await store.page(
            self.query(.candidate) {
                $0.pageSize = 1; $0.cursor = cursor
            }
        )
        #expect(second.records.count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func pageSizeIsBounded(kind: StoreKind) async throws {
        let store = try await kind.make()
        for size in [0, 1001] {
            await #expect(throws: ATSBridgeError.self) {
                _ = try await store.page(self.query(.candidate) { $0.pageSize = size })
            }
        }
        await #expect(throws: ATSBridgeError.self) {
            _ = try await store.page(self.query(.candidate) { $0.ids = (0...1000).map(String.init) })
        }
    }

    @Test(arguments: StoreKind.allCases)
    func changeLogIsOrderedAndResumable(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await self.fixture.load(into: store)
        let all = try await store.changes(integrationID: self.integration, after: 0, limit: 1_000)
        #expect(all.map(\.sequence) == all.map(\.sequence).sorted())
        #expect(all.filter { $0.kind == .created }.count == self.fixture.batches.reduce(0) { $0 + $1.count })
        let half = all[all.count / 2].sequence
        let rest = try await store.changes(integrationID: self.integration, after: half, limit: 1_000)
        #expect(rest == Array(all.drop { $0.sequence <= half }))
        _ = try await store.markMissing(integrationID: self.integration, model: .tag, seenIDs: [], at: 2_000)
        let deleted = try await store.changes(integrationID: self.integration, after: all.last!.sequence, limit: 100)
        #expect(deleted.filter { $0.kind == .deleted }.count == 2)
        #expect(deleted.allSatisfy { $0.model == .tag || $0.model == .candidate })
    }

    @Test(arguments: StoreKind.allCases)
    func integrationsRunsKeysAndIdempotencyPersist(kind: StoreKind) async throws {
        let store = try await kind.make()
        let integration = StoredIntegration(
            integration: Integration(
                id: "int-a",
                name: "Acme",
                tenantURL: "https://acme.recru.eu",
                login: "api",
                status: .active
            ),
            encryptedCredentials: [1, 2, 3]
        )
        try await store.saveIntegration(integration)
        #expect(try await store.integration(id: "int-a") == integration)
        #expect(try await store.integrations().count == 1)

        let run = SyncRun(id: "run-1", integrationID: "int-a", type: .full, state: .succeeded, queuedAt: 5, created: 10)
        try await store.saveSyncRun(run)
        try await store.saveSyncRun(
            SyncRun(id: "run-2", integrationID: "int-a", type: .delta, state: .running, queuedAt: 6)
        )
        #expect(try await store.syncRuns(integrationID: "int-a", limit: 10).map(\.id) == ["run-2", "run-1"])

        let key = APIKey(name: "jobboard", plaintext: "secret", access: .write, integrations: ["int-a"])
        try await store.saveAPIKey(key)
        #expect(try await store.apiKeys() == [key])

        let claim = IdempotencyRecord(
            integrationID: "int-a",
            key: "k1",
            requestHash: [9],
            response: nil,
            createdAt: 100
        )
        #expect(try await store.claimIdempotencyKey(claim) == nil)
        #expect(try await store.claimIdempotencyKey(claim)?.response == nil)
        // A claim with no outcome (its server died) is taken over once, as read; then it is
        // claimed anew, at the new time.
        #expect(
            try await store.retakeIdempotencyKey(
                integrationID: "int-a",
                key: "k1",
                response: nil,
                createdAt: 100,
                claimedAt: 150
            )
        )
        #expect(
            !(try await store.retakeIdempotencyKey(
                integrationID: "int-a",
                key: "k1",
                response: nil,
                createdAt: 100,
                claimedAt: 160
            ))
        )
        #expect(try await store.claimIdempotencyKey(claim)?.createdAt == 150)
        // An uncertain mark likewise, compared by its bytes.
        // Writes of the claim taken over (made at 100) no longer reach the key.
        #expect(
            !(try await store.completeIdempotencyKey(integrationID: "int-a", key: "k1", claimedAt: 100, response: [3]))
        )
        try await store.releaseIdempotencyKey(integrationID: "int-a", key: "k1", claimedAt: 100)
        #expect(try await store.claimIdempotencyKey(claim)?.createdAt == 150)
        #expect(
            try await store.completeIdempotencyKey(integrationID: "int-a", key: "k1", claimedAt: 150, response: [4])
        )
        #expect(
            !(try await store.retakeIdempotencyKey(
                integrationID: "int-a",
                key: "k1",
                response: [5],
                createdAt: 150,
                claimedAt: 170
            ))
        )
        #expect(
            try await store.retakeIdempotencyKey(
                integrationID: "int-a",
                key: "k1",
                response: [4],
                createdAt: 150,
                claimedAt: 100
            )
        )
        #expect(try await store.claimIdempotencyKey(claim)?.response == nil)
        // A running command's heartbeat moves its claim, keeping what it has saved.
        #expect(
            try await store.completeIdempotencyKey(integrationID: "int-a", key: "k1", claimedAt: 100, response: [1])
        )
        #expect(try await store.renewIdempotencyKey(integrationID: "int-a", key: "k1", claimedAt: 100, renewedAt: 90))
        #expect(
            !(try await store.renewIdempotencyKey(integrationID: "int-a", key: "k1", claimedAt: 100, renewedAt: 95))
        )
        #expect(try await store.claimIdempotencyKey(claim)?.response == [1])
        #expect(
            try await store.completeIdempotencyKey(integrationID: "int-a", key: "k1", claimedAt: 90, response: [7, 7])
        )
        #expect(try await store.claimIdempotencyKey(claim)?.response == [7, 7])
        #expect(try await store.purgeIdempotencyKeys(createdBefore: 101) == 1)

        _ = try await store.upsert(.candidates(self.fixture.candidates), integrationID: "int-a", at: 1)
        #expect(try await store.deleteIntegration(id: "int-a") == 3)
        #expect(try await store.integration(id: "int-a") == nil)
        #expect(try await store.page(RecordQuery(integrationID: "int-a", model: .candidate)).records.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func syncLeasesCreatedHereMarksAndIntegrationUpdates(kind: StoreKind) async throws {
        let store = try await kind.make()
        #expect(try await store.acquireSyncLease(integrationID: "int-a", owner: "one", until: 100, at: 0))
        #expect(try await store.acquireSyncLease(integrationID: "int-a", owner: "one", until: 200, at: 50), "renewal")
        #expect(!(try await store.acquireSyncLease(integrationID: "int-a", owner: "two", until: 300, at: 150)))
        #expect(try await store.acquireSyncLease(integrationID: "int-b", owner: "two", until: 300, at: 150))
        #expect(try await store.acquireSyncLease(integrationID: "int-a", owner: "two", until: 400, at: 200), "expired")
        try await store.releaseSyncLease(integrationID: "int-a", owner: "one")
        #expect(!(try await store.acquireSyncLease(integrationID: "int-a", owner: "one", until: 500, at: 250)))
        try await store.releaseSyncLease(integrationID: "int-a", owner: "two")
        #expect(try await store.acquireSyncLease(integrationID: "int-a", owner: "one", until: 500, at: 250))

        try await store.markCreatedHere(integrationID: "int-a", model: .candidate, remoteIDs: ["1", "2", "2"])
        try await store.markCreatedHere(integrationID: "int-a", model: .application, remoteIDs: ["9"])
        #expect(try await store.createdHere(integrationID: "int-a", model: .candidate) == ["1", "2"])
        #expect(try await store.createdHere(integrationID: "int-b", model: .candidate) == [])

        #expect(try await store.updateIntegration(id: "int-a") { $0.name = "x" } == nil)
        try await store.saveIntegration(
            StoredIntegration(integration: Integration(id: "int-a", status: .active), encryptedCredentials: [7])
        )
        let updated = try await store.updateIntegration(id: "int-a") { $0.status = .inactive }
        #expect(updated?.status == .inactive)
        #expect(try await store.integration(id: "int-a")?.integration.status == .inactive)
        #expect(try await store.integration(id: "int-a")?.encryptedCredentials == [7])
        _ = try await store.deleteIntegration(id: "int-a")
        #expect(try await store.createdHere(integrationID: "int-a", model: .candidate) == [])
    }

    @Test func idsAreDeterministic24CharacterBase58() {
        let alphabet = Set("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
        let id = RecordID.make(integrationID: "int-1", model: .candidate, remoteID: "42")
        #expect(id.count == 24)
        #expect(id == RecordID.make(integrationID: "int-1", model: .candidate, remoteID: "42"))
        #expect(id != RecordID.make(integrationID: "int-1", model: .application, remoteID: "42"))
        #expect(id != RecordID.make(integrationID: "int-2", model: .candidate, remoteID: "42"))
        #expect(id.allSatisfy(alphabet.contains))
        // Ids are a contract: stores, exports and clients keep them. This one must never change.
        #expect(id == "3NP1SPRaNVZfrV43g5FstSKJ")
        // Computed outside Swift (Python's hashlib) from the documented derivation: SHA-256 of
        // the UTF-8 bytes of integration, model number and remote id, NUL-separated.
        let composite = RecordID.make(
            integrationID: "intégration-ü",
            model: .jobHiringTeamMember,
            remoteID: "élan/42"
        )
        #expect(composite == "3ECvPmSwes8e2cbC51b6QgLi")
        #expect(RecordID.make(integrationID: "int-1", model: .candidate, remoteID: "") == "33CNRZ6aHqnxvF4q6iK2vTRZ")
        let random = [RecordID.random(), RecordID.random()]
        #expect(random[0] != random[1])
        #expect(random.allSatisfy { $0.utf8.count == RecordID.length && $0.allSatisfy(alphabet.contains) })
    }
}

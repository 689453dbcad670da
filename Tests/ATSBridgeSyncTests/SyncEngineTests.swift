import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import ATSBridgeSync
import Testing

@testable import ATSBridgeSandbox

/// The sync engine end to end: the real SQLite store, RECRU's adapter and the sandbox (over
/// real HTTP for the first test, in-process for the others).
@Suite struct SyncEngineTests {
    @Test func fullSyncMirrorsEveryFieldOfEveryModel() async throws {
        var options = SyncHarness.Options()
        options.http = true
        try await SyncHarness.with(options) { harness in
            #expect(try await harness.integration()?.setupStatus == .syncPending)
            let run = try await harness.sync()
            #expect(run.state == .succeeded)
            #expect(run.type == .full)
            let snapshot = try await StoreSnapshot.take(harness.store, harness.integrationID)
            let expected = try await StoreSnapshot.expected(from: harness.connection())
            #expect(StoreSnapshot.differences(snapshot.content, expected) == [])
            #expect(Set(expected.keys) == Set(Model.allSynced))
            let total = expected.values.reduce(0) { $0 + $1.count }
            #expect(run.created == UInt64(total))
            #expect(run.updated == 0 && run.deleted == 0)
            let integration = try await harness.integration()
            #expect(integration?.setupStatus == .completed)
            #expect(integration?.lastSyncFinishedAt == run.finishedAt)
            #expect(try await harness.store.syncRuns(integrationID: harness.integrationID, limit: 5).first == run)
        }
    }

    /// The small preset fits in one transaction per model at the default batch size. With pages
    /// of 5 and transactions of 12, each transaction holds parts of several pages and is written
    /// while the next is encoded.
    @Test func aSyncWrittenInManySmallTransactionsMirrorsEveryRecordOnce() async throws {
        var options = SyncHarness.Options()
        options.sync = {
            $0.pageSize = 5
            $0.writeBatchSize = 12
        }
        try await SyncHarness.with(options) { harness in
            let run = try await harness.sync()
            #expect(run.state == .succeeded)
            let snapshot = try await StoreSnapshot.take(harness.store, harness.integrationID)
            let expected = try await StoreSnapshot.expected(from: harness.connection())
            #expect(StoreSnapshot.differences(snapshot.content, expected) == [])
            let total = expected.values.reduce(0) { $0 + $1.count }
            #expect(total > 12 * 20, "the run spans more than twenty transactions")
            #expect(run.created == UInt64(total))
            #expect(run.updated == 0 && run.deleted == 0)
            let again = try await harness.sync()
            #expect(again.created == 0 && again.updated == 0 && again.deleted == 0)
        }
    }

    @Test func aSecondSyncWithoutChangesWritesNothing() async throws {
        try await SyncHarness.with { harness in
            try await harness.sync()
            let before = try await StoreSnapshot.take(harness.store, harness.integrationID)
            let lastChange = try await harness.store.changes(
                integrationID: harness.integrationID,
                after: 0,
                limit: 10_000
            ).last?.sequence
            for type in [SyncType.full, .delta] {
                let run = try await harness.sync(type)
                #expect(run.state == .succeeded)
                #expect(run.type == type)
                #expect(run.created == 0 && run.updated == 0 && run.deleted == 0)
            }
            #expect(try await StoreSnapshot.take(harness.store, harness.integrationID) == before)
            let later = try await harness.store.changes(
                integrationID: harness.integrationID,
                after: lastChange ?? 0,
                limit: 10
            )
            #expect(later.isEmpty)
        }
    }

    @Test func changingOneEmailMovesOnlyThatCandidate() async throws {
        try await SyncHarness.with { harness in
            try await harness.sync()
            let before = try await StoreSnapshot.take(harness.store, harness.integrationID)
            let jobseeker = harness.sandbox.snapshot.jobseekers.all.first { $0.email != nil }!
            harness.sandbox.mutate { state in
                var changed = jobseeker
                changed.email = "moved.\(jobseeker.id)@example.org"
                state.jobseekers.put(changed)
            }
            let run = try await harness.sync(.delta)
            #expect(run.updated == 1)
            let after = try await StoreSnapshot.take(harness.store, harness.integrationID)
            let candidateID = RecordID.make(
                integrationID: harness.integrationID,
                model: .candidate,
                remoteID: "\(jobseeker.id)"
            )
            for model in Model.allSynced {
                let moved = Set(after[model].filter { before[model][$0.key]?.changedAt != $0.value.changedAt }.keys)
                #expect(moved == (model == .candidate ? [candidateID] : []), "changed_at moved in \(model)")
            }
            let candidate = try await StoreSnapshot.all(
                harness.store,
                RecordQuery(integrationID: harness.integrationID, model: .candidate, ids: [candidateID]),
                Candidate.self
            ).first
            #expect(candidate?.emailAddresses.first?.emailAddress == "moved.\(jobseeker.id)@example.org")
        }
    }

    @Test func taggingReturnsTheCandidateFromUpdatedAfterWithoutMovingChangedAt() async throws {
        try await SyncHarness.with { harness in
            try await harness.sync()
            let state = harness.sandbox.snapshot
            let jobseeker = state.jobseekers.all.first!
            let tag = state.tags.all.first { !jobseeker.tagIDs.contains($0.id) }!
            harness.sandbox.mutate { state in
                var tagged = jobseeker
                tagged.tagIDs.append(tag.id)
                state.jobseekers.put(tagged)
            }
            let candidateID = RecordID.make(
                integrationID: harness.integrationID,
                model: .candidate,
                remoteID: "\(jobseeker.id)"
            )
            let before = try await StoreSnapshot.take(harness.store, harness.integrationID)
            let syncedAfter = harness.clock.nowMilliseconds()
            let run = try await harness.sync(.delta)
            #expect(run.created == 1)  // the candidate-tag join
            let after = try await StoreSnapshot.take(harness.store, harness.integrationID)
            #expect(after[.candidate][candidateID]?.changedAt == before[.candidate][candidateID]?.changedAt)
            let updated = try await StoreSnapshot.all(
                harness.store,
                RecordQuery(integrationID: harness.integrationID, model: .candidate, updatedAfter: syncedAfter),
                Candidate.self
            )
            #expect(updated.map(\.id) == [candidateID])
            let tagID = RecordID.make(integrationID: harness.integrationID, model: .tag, remoteID: "\(tag.id)")
            #expect(updated.first?.tags.contains { $0.id == tagID } == true)
        }
    }

    @Test func movingAnApplicationsStageUpdatesItAndTouchesItsCandidate() async throws {
        try await SyncHarness.with { harness in
            try await harness.sync()
            let state = harness.sandbox.snapshot
            let application = state.applications.all.first!
            let project = state.projects[application.projectID]!
            let stage = project.stages.first { $0.id != application.stageID }!
            harness.sandbox.mutate { state in
                var moved = application
                moved.stageID = stage.id
                state.applications.put(moved)
            }
            let before = try await StoreSnapshot.take(harness.store, harness.integrationID)
            let syncedAfter = harness.clock.nowMilliseconds()
            let run = try await harness.sync(.delta)
            #expect(run.updated == 1)
            let applicationID = RecordID.make(
                integrationID: harness.integrationID,
                model: .application,
                remoteID: "\(application.id)"
            )
            let candidateID = RecordID.make(
                integrationID: harness.integrationID,
                model: .candidate,
                remoteID: "\(application.jobseekerID)"
            )
            let after = try await StoreSnapshot.take(harness.store, harness.integrationID)
            #expect(after[.application][applicationID]?.changedAt != before[.application][applicationID]?.changedAt)
            #expect(after[.candidate][candidateID]?.changedAt == before[.candidate][candidateID]?.changedAt)
            let applications = try await StoreSnapshot.all(
                harness.store,
                RecordQuery(integrationID: harness.integrationID, model: .application, updatedAfter: syncedAfter),
                Application.self
            )
            let stageID = RecordID.make(
                integrationID: harness.integrationID,
                model: .applicationStage,
                remoteID: "\(stage.id)"
            )
            #expect(applications.map(\.id) == [applicationID])
            #expect(applications.first?.currentStageID == stageID)
            let candidates = try await StoreSnapshot.all(
                harness.store,
                RecordQuery(integrationID: harness.integrationID, model: .candidate, updatedAfter: syncedAfter),
                Candidate.self
            )
            #expect(candidates.map(\.id) == [candidateID])
            #expect(candidates.first?.applications.first { $0.id == applicationID }?.currentStage?.id == stageID)
        }
    }

    @Test func aDeletedJobseekerIsTombstonedByAFullSyncAndRestoredWhenItReturns() async throws {
        try await SyncHarness.with { harness in
            try await harness.sync()
            let state = harness.sandbox.snapshot
            let jobseeker = state.jobseekers.all.first { js in
                state.applications.all.contains { $0.jobseekerID == js.id }
            }!
            let applications = state.applications.all.filter { $0.jobseekerID == jobseeker.id }
            try harness.sandbox.delete("jobseeker", id: jobseeker.id)
            let candidateID = RecordID.make(
                integrationID: harness.integrationID,
                model: .candidate,
                remoteID: "\(jobseeker.id)"
            )

            let delta = try await harness.sync(.delta)
            #expect(delta.deleted == 0, "deletions are detected by full syncs only")
            let full = try await harness.sync(.full)
            #expect((full.deleted ?? 0) >= UInt64(1 + applications.count))
            let visible = try await StoreSnapshot.all(
                harness.store,
                RecordQuery(integrationID: harness.integrationID, model: .candidate),
                Candidate.self
            )
            #expect(!visible.contains { $0.id == candidateID })
            let withDeleted = try await StoreSnapshot.all(
                harness.store,
                RecordQuery(
                    integrationID: harness.integrationID,
                    model: .candidate,
                    includeDeleted: true,
                    ids: [candidateID]
                ),
                Candidate.self
            )
            #expect(withDeleted.first?.remoteDeletedAt != nil)

            harness.sandbox.mutate { state in
                state.jobseekers.put(jobseeker)
                for application in applications { state.applications.put(application) }
            }
            let restored = try await harness.sync(.full)
            #expect((restored.updated ?? 0) >= UInt64(1 + applications.count))
            let back = try await StoreSnapshot.all(
                harness.store,
                RecordQuery(integrationID: harness.integrationID, model: .candidate, ids: [candidateID]),
                Candidate.self
            )
            #expect(back.first?.remoteDeletedAt == nil)
            #expect(try await harness.differencesFromSandbox() == [])
        }
    }

    @Test func nestedViewsOfUnfilteredPagesEqualThoseOfFilteredOnes() async throws {
        try await SyncHarness.with { harness in
            try await harness.sync()
            // Unfiltered pages read children by id range; filtered ones by id lists.
            let pages = try await StoreSnapshot.all(
                harness.store,
                RecordQuery(integrationID: harness.integrationID, model: .candidate, pageSize: 40),
                Candidate.self
            )
            #expect(pages.count == 60)
            #expect(pages.contains { !$0.applications.isEmpty } && pages.contains { !$0.tags.isEmpty })
            for chunk in stride(from: 0, to: pages.count, by: 7) {
                let ids = pages[chunk..<min(pages.count, chunk + 7)].map(\.id)
                let filtered = try await StoreSnapshot.all(
                    harness.store,
                    RecordQuery(integrationID: harness.integrationID, model: .candidate, ids: ids),
                    Candidate.self
                )
                #expect(filtered == Array(pages[chunk..<min(pages.count, chunk + 7)]))
            }
        }
    }

    @Test func aDeltaSyncPicksUpAChangedProject() async throws {
        try await SyncHarness.with { harness in
            try await harness.sync()
            let project = harness.sandbox.snapshot.projects.all.first!
            harness.sandbox.mutate { state in
                var renamed = project
                renamed.name = "Renamed project"
                renamed.updatedAt = harness.clock.nowMilliseconds() + 60_000
                state.projects.put(renamed)
            }
            let run = try await harness.sync(.delta)
            #expect(run.type == .delta)
            #expect(run.updated == 1)
            let jobID = RecordID.make(integrationID: harness.integrationID, model: .job, remoteID: "\(project.id)")
            let job = try await StoreSnapshot.all(
                harness.store,
                RecordQuery(integrationID: harness.integrationID, model: .job, ids: [jobID]),
                Job.self
            ).first
            #expect(job?.name == "Renamed project")
        }
    }
}

extension Model {
    /// The nine models a sync mirrors.
    static let allSynced: [Model] = [
        .user, .job, .candidate, .applicationStage, .application, .tag, .candidateTag, .jobApplicationStage,
        .jobHiringTeamMember,
    ]
}

import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRECRU
import ATSBridgeStoreSQLite
import Logging
import Testing

@testable import ATSBridgeSandbox
@testable import ATSBridgeSync

/// Unchanged sources (docs/sync.md): RECRU records whose raw JSON did not change since they
/// were mapped are neither mapped nor written again; changed ones are, a new mapping version
/// maps everything again, and full syncs still tombstone only what disappeared.
@Suite struct SyncUnchangedSourceTests {
    /// One sync run through `IntegrationSync`, for its outcome (`unchanged` is not in the run
    /// record), on the harness's store and clock.
    func run(
        _ harness: SyncHarness,
        full: Bool = true,
        mappingVersion: UInt32 = RECRUMapper.version,
        skip: Bool = true
    ) async throws -> IntegrationSync.Outcome {
        var configuration = SyncHarness.testConfiguration()
        configuration.skipUnchangedSources = skip
        let transport = SandboxTransport(harness.sandbox)
        let adapter = RECRUAdapter(
            configuration: SyncHarness.recruConfiguration(),
            logger: Logger(label: "test.sync"),
            mappingVersion: mappingVersion
        ) { _ in transport }
        let connection = adapter.connection(
            to: RemoteATSAccount(
                integrationID: harness.integrationID,
                tenantURL: harness.sandboxURL,
                login: "api@acme.example",
                password: "sandbox"
            ),
            for: .sync
        )
        harness.clock.advance(by: .seconds(1))
        let sync = IntegrationSync(
            integrationID: harness.integrationID,
            store: harness.store,
            connection: connection,
            configuration: configuration,
            clock: harness.clock,
            lease: SyncLease(
                store: harness.store,
                integrationID: harness.integrationID,
                owner: "test",
                duration: .seconds(60)
            ),
            logger: Logger(label: "test.sync")
        )
        return try await sync.run(IntegrationSync.Plan(full: full, changedSince: nil, onlyCreated: false))
    }

    /// Users, projects, applications and jobseekers: every source a sync fingerprints.
    func sourceCount(_ sandbox: RECRUSandbox) -> Int {
        let state = sandbox.snapshot
        return state.users.all.count + state.projects.all.count + state.applications.all.count
            + state.jobseekers.all.count
    }

    @Test func aResyncWithoutChangesMapsNothingAndTombstonesNothing() async throws {
        try await SyncHarness.with { harness in
            #expect(try await harness.sync().state == .succeeded)
            let before = try await StoreSnapshot.take(harness.store, harness.integrationID)
            let outcome = try await self.run(harness)
            #expect(outcome.unchanged == self.sourceCount(harness.sandbox))
            // Stage joins, hiring teams and candidate tags of skipped sources count as seen.
            #expect(outcome.created == 0 && outcome.updated == 0 && outcome.deleted == 0)
            #expect(try await StoreSnapshot.take(harness.store, harness.integrationID) == before)
            #expect(try await harness.differencesFromSandbox() == [])
        }
    }

    @Test func aChangedJobseekerIsMappedAgainAndTheOthersAreSkipped() async throws {
        try await SyncHarness.with { harness in
            try await harness.sync()
            let jobseeker = harness.sandbox.snapshot.jobseekers.all.first { !$0.tagIDs.isEmpty }!
            let removedTag = jobseeker.tagIDs[0]
            harness.sandbox.mutate { state in
                var changed = jobseeker
                changed.currentPosition = "Head of Changes"
                changed.tagIDs.removeFirst()
                state.jobseekers.put(changed)
            }
            let outcome = try await self.run(harness)
            #expect(outcome.unchanged == self.sourceCount(harness.sandbox) - 1)
            #expect(outcome.updated == 1)
            // The removed tag's join, and nothing of the skipped sources.
            #expect(outcome.deleted == 1)
            let joinID = RecordID.make(
                integrationID: harness.integrationID,
                model: .candidateTag,
                remoteID: "\(jobseeker.id)-\(removedTag)"
            )
            let join = try #require(
                try await harness.store.record(
                    .candidateTag,
                    id: joinID,
                    integrationID: harness.integrationID,
                    includeDeleted: true
                )
            )
            #expect(try CandidateTag(decoding: join).remoteDeletedAt != nil)
            #expect(try await harness.differencesFromSandbox() == [])
            // Remembered with its new fingerprint: the next run skips it too.
            #expect(try await self.run(harness).unchanged == self.sourceCount(harness.sandbox))
        }
    }

    @Test func aNewMappingVersionMapsEverySourceAgain() async throws {
        try await SyncHarness.with { harness in
            try await harness.sync()
            let remapped = try await self.run(harness, mappingVersion: RECRUMapper.version + 1)
            #expect(remapped.unchanged == 0)
            // The same mapping output: nothing to write.
            #expect(remapped.created == 0 && remapped.updated == 0 && remapped.deleted == 0)
            let again = try await self.run(harness, mappingVersion: RECRUMapper.version + 1)
            #expect(again.unchanged == self.sourceCount(harness.sandbox))
        }
    }

    @Test func aDeletedJobseekerThatComesBackUnchangedIsRestored() async throws {
        try await SyncHarness.with { harness in
            try await harness.sync()
            let jobseeker = harness.sandbox.snapshot.jobseekers.all.first { !$0.tagIDs.isEmpty }!
            harness.sandbox.mutate { _ = $0.jobseekers.remove(jobseeker.id) }
            let gone = try await self.run(harness)
            #expect(gone.deleted == 1 + Set(jobseeker.tagIDs).count)
            // Its raw JSON is the one remembered, but its record is tombstoned: mapped again.
            harness.sandbox.mutate { $0.jobseekers.put(jobseeker) }
            let back = try await self.run(harness)
            #expect(back.updated == 1 + Set(jobseeker.tagIDs).count)
            #expect(back.unchanged == self.sourceCount(harness.sandbox) - 1)
            #expect(try await harness.differencesFromSandbox() == [])
        }
    }

    @Test func withTheSkipOffEverySourceIsMapped() async throws {
        try await SyncHarness.with { harness in
            try await harness.sync()
            let outcome = try await self.run(harness, skip: false)
            #expect(outcome.unchanged == 0)
            #expect(outcome.created == 0 && outcome.updated == 0 && outcome.deleted == 0)
        }
    }

    @Test func aDeltaSkipsUnchangedSourcesToo() async throws {
        try await SyncHarness.with { harness in
            try await harness.sync()
            let outcome = try await self.run(harness, full: false)
            #expect(outcome.unchanged == self.sourceCount(harness.sandbox))
            #expect(outcome.created == 0 && outcome.updated == 0 && outcome.deleted == 0)
        }
    }
}

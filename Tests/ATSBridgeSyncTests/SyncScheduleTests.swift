import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import ATSBridgeSync
import ATSBridgeTestSupport
import Logging
import Testing

@testable import ATSBridgeSandbox

/// The schedule, the one-sync-at-a-time rule, paused integrations and "sync only created
/// applications".
@Suite struct SyncScheduleTests {
    @Test func syncsRunOnTheScheduleDeltaThenFull() async throws {
        try await SyncHarness.with { harness in
            let first = try await harness.sync()
            #expect(first.type == .full)
            let runs = { try await harness.store.syncRuns(integrationID: harness.integrationID, limit: 10) }

            harness.clock.advance(by: .seconds(3 * 3600 - 60))
            try await Task.sleep(for: .milliseconds(50))
            #expect(try await runs().count == 1, "not due before the interval")

            harness.clock.advance(by: .seconds(120))
            try await eventually(timeout: .seconds(60), "a scheduled delta sync") {
                let latest = try await runs()
                return latest.count == 2 && latest[0].state == .succeeded
            }
            #expect(try await runs()[0].type == .delta)

            harness.clock.advance(by: .seconds(24 * 3600))
            try await eventually(timeout: .seconds(60), "a scheduled full sync") {
                let latest = try await runs()
                return latest.count == 3 && latest[0].state == .succeeded
            }
            #expect(try await runs()[0].type == .full)
        }
    }

    /// An interval stored by an earlier build, as large as 64 bits allow: the schedule never
    /// comes due, and adding it to the last sync's start does not trap (it crashed the server at
    /// every start).
    @Test func aHugeStoredIntervalIsNeverDueAndDoesNotOverflow() async throws {
        try await SyncHarness.with { harness in
            _ = try await harness.sync()
            _ = try await harness.store.updateIntegration(id: harness.integrationID) { integration in
                var settings = integration.settings ?? IntegrationSettings()
                settings.syncIntervalMs = .max
                integration.settings = settings
            }
            harness.clock.advance(by: .seconds(10 * 365 * 86_400))
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await harness.store.syncRuns(integrationID: harness.integrationID, limit: 10).count == 1)
        }
    }

    @Test func neverTwoSyncsOfOneIntegrationAtOnce() async throws {
        var options = SyncHarness.Options()
        options.sandbox = { $0.faults.addedLatency = .milliseconds(10) }
        try await SyncHarness.with(options) { harness in
            async let a = harness.engine.trigger(integrationID: harness.integrationID, type: .full)
            async let b = harness.engine.trigger(integrationID: harness.integrationID, type: .delta)
            let (first, second) = try await (a, b)
            #expect(first.id == second.id)
            #expect(harness.engine.activeRun(integrationID: harness.integrationID)?.id == first.id)
            let done = try await harness.engine.waitUntilFinished(first)
            #expect(done.state == .succeeded)
            #expect(try await harness.store.syncRuns(integrationID: harness.integrationID, limit: 10).count == 1)

            // A second server sharing the store does not sync while this one holds the lease.
            var configuration = SyncHarness.testConfiguration()
            configuration.instanceID = "other-server"
            let other = SyncEngine(
                store: harness.store,
                vault: harness.vault,
                remote: harness.remote,
                configuration: configuration,
                clock: harness.clock,
                logger: Logger(label: "test.sync.other")
            )
            let mine = try await harness.engine.trigger(integrationID: harness.integrationID, type: .full)
            try await withRunningService(other, logger: Logger(label: "test.sync.other")) { other, _ in
                let theirs = try await other.waitUntilFinished(
                    try await other.trigger(integrationID: harness.integrationID, type: .full)
                )
                #expect(theirs.state == .cancelled)
                #expect(theirs.errorMessage?.contains("another server") == true)
            }
            #expect(try await harness.engine.waitUntilFinished(mine).state == .succeeded)
        }
    }

    @Test func aPausedIntegrationDoesNotSync() async throws {
        try await SyncHarness.with { harness in
            _ = try await harness.store.updateIntegration(id: harness.integrationID) { $0.status = .inactive }
            await #expect {
                try await harness.engine.trigger(integrationID: harness.integrationID)
            } throws: { ($0 as? ATSBridgeError)?.code.dotted == "INTEGRATION.INACTIVE" }
            await #expect {
                try await harness.engine.trigger(integrationID: "no-such-integration")
            } throws: { ($0 as? ATSBridgeError)?.code.status == .notFound }
        }
    }

    @Test func syncOnlyCreatedApplicationsMirrorsOnlyThose() async throws {
        var options = SyncHarness.Options()
        options.settings = IntegrationSettings(syncOnlyCreatedApplications: true)
        try await SyncHarness.with(options) { harness in
            let state = harness.sandbox.snapshot
            let application = state.applications.all[3]
            // Created here without an application through ATSBridge: its RECRU applications stay out.
            let createdCandidate = state.jobseekers.all.first { $0.id != application.jobseekerID }!
            try await harness.store.markCreatedHere(
                integrationID: harness.integrationID,
                model: .application,
                remoteIDs: ["\(application.id)"]
            )
            try await harness.store.markCreatedHere(
                integrationID: harness.integrationID,
                model: .candidate,
                remoteIDs: ["\(createdCandidate.id)"]
            )
            let run = try await harness.sync()
            #expect(run.state == .succeeded)
            let snapshot = try await StoreSnapshot.take(harness.store, harness.integrationID)
            let id = { (model: Model, remote: Int) in
                RecordID.make(integrationID: harness.integrationID, model: model, remoteID: "\(remote)")
            }
            #expect(Set(snapshot[.application].keys) == [id(.application, application.id)])
            #expect(
                Set(snapshot[.candidate].keys) == [
                    id(.candidate, application.jobseekerID), id(.candidate, createdCandidate.id),
                ]
            )
            #expect(snapshot[.job].count == state.projects.count, "jobs are always mirrored")
            let tagged = Set(
                try await StoreSnapshot.all(
                    harness.store,
                    RecordQuery(integrationID: harness.integrationID, model: .candidateTag),
                    CandidateTag.self
                ).map(\.candidateID)
            )
            #expect(tagged.isSubset(of: Set(snapshot[.candidate].keys)))
        }
    }
}

import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import ATSBridgeSync
import ATSBridgeTestSupport
import Logging
import Testing

@testable import ATSBridgeSandbox

/// What a server killed mid-sync leaves behind (a RUNNING run and its lease) and how the next
/// start copes: its own lease is taken back at once, another server's once it expired.
@Suite struct SyncLeaseRecoveryTests {
    private struct World {
        let store: SQLiteStore
        let vault: CredentialVault
        let sandbox: RECRUSandbox
        let clock = ManualSyncClock()
        let integrationID = "int-crash"
        let logger: Logger

        init() async throws {
            var logger = Logger(label: "test.sync.recovery")
            logger.logLevel = .warning
            self.logger = logger
            self.store = try await SQLiteStore(
                configuration: SQLiteStoreConfiguration(path: SyncHarness.temporaryPath())
            )
            self.vault = try CredentialVault(encodedKey: CredentialVault.generateKey())
            self.sandbox = RECRUSandbox(seed: 3, size: .small, clock: SyncHarness.sandboxClock())
            try await self.store.saveIntegration(
                StoredIntegration(
                    integration: Integration(
                        id: self.integrationID,
                        name: "Sandbox",
                        tenantURL: "http://sandbox.invalid",
                        login: "api@acme.example",
                        status: .active,
                        setupStatus: .syncPending,
                        createdAt: self.clock.nowMilliseconds()
                    ),
                    encryptedCredentials: try self.vault.seal(password: "sandbox", integrationID: self.integrationID)
                )
            )
        }

        /// The killed server's traces: its run RUNNING, its lease valid for another minute.
        func crash(owner: String) async throws -> SyncRun {
            let now = self.clock.nowMilliseconds()
            let run = SyncRun(
                id: "run_killed",
                integrationID: self.integrationID,
                type: .full,
                state: .running,
                queuedAt: now - 2_000,
                startedAt: now - 1_900
            )
            try await self.store.saveSyncRun(run)
            let leased = try await self.store.acquireSyncLease(
                integrationID: self.integrationID,
                owner: owner,
                until: now + 60_000,
                at: now
            )
            #expect(leased)
            return run
        }

        func engine(instanceID: String) -> SyncEngine {
            var configuration = SyncHarness.testConfiguration()
            configuration.instanceID = instanceID
            configuration.leaseDuration = .seconds(60)
            configuration.leaseRenewalInterval = .seconds(15)
            return SyncEngine(
                store: self.store,
                vault: self.vault,
                remote: SyncHarness.adapter(
                    SyncHarness.recruConfiguration(),
                    sandbox: self.sandbox,
                    url: nil,
                    logger: self.logger
                ),
                configuration: configuration,
                clock: self.clock,
                logger: self.logger
            )
        }

        func runs() async throws -> [SyncRun] {
            try await self.store.syncRuns(integrationID: self.integrationID, limit: 20)
        }
    }

    @Test func aRestartedServerFailsItsInterruptedRunAndSyncsAtOnce() async throws {
        let world = try await World()
        let killed = try await world.crash(owner: "server-a")
        let restarted = world.engine(instanceID: "server-a")
        try await withRunningService(restarted, logger: world.logger) { _, _ in
            // No time passes on the manual clock: the lease did not have to expire.
            try await eventually(timeout: .seconds(60), "the interrupted run FAILED and a new sync SUCCEEDED") {
                let runs = try await world.runs()
                return runs.contains { $0.id == killed.id && $0.state == .failed }
                    && runs.contains { $0.id != killed.id && $0.state == .succeeded }
            }
        }
        let failed = try #require(try await world.runs().first { $0.id == killed.id })
        #expect(failed.errorMessage?.hasPrefix("interrupted") == true)
        #expect(failed.finishedAt != nil)
        let integration = try #require(try await world.store.integration(id: world.integrationID)?.integration)
        #expect(integration.setupStatus == .completed, "reads no longer wait for the setup sync")
    }

    @Test func anotherServersDeadLeaseIsTakenOverOnceItExpires() async throws {
        let world = try await World()
        let killed = try await world.crash(owner: "server-dead")
        let survivor = world.engine(instanceID: "server-b")
        try await withRunningService(survivor, logger: world.logger) { survivor, _ in
            let blocked = try await survivor.waitUntilFinished(
                try await survivor.trigger(integrationID: world.integrationID, type: .full)
            )
            #expect(blocked.state == .cancelled, "the lease is valid: the other server may still be syncing")
            #expect(try await world.runs().first { $0.id == killed.id }?.state == .running)

            // Once the lease expired, the survivor finds the abandoned sync by itself (it looks
            // every renewal interval) and syncs again; no trigger needed.
            world.clock.advance(by: .seconds(61))
            try await eventually(timeout: .seconds(60), "the abandoned sync taken over and completed") {
                try await world.runs().contains { $0.id != killed.id && $0.state == .succeeded }
            }
            let failed = try await world.runs().first { $0.id == killed.id }
            #expect(failed?.state == .failed && failed?.errorMessage?.hasPrefix("interrupted") == true)
        }
    }

    @Test func aRunRenewsItsLeaseWhileItWaits() async throws {
        let world = try await World()
        // Every answer is slow (the run takes seconds): the lease must not lapse meanwhile.
        var faults = SandboxFaults()
        faults.addedLatency = .milliseconds(300)
        world.sandbox.setFaults(faults)
        let engine = world.engine(instanceID: "server-a")
        try await withRunningService(engine, logger: world.logger) { engine, _ in
            let run = try await engine.trigger(integrationID: world.integrationID, type: .full)
            try await eventually(timeout: .seconds(60), "the run is RUNNING") {
                engine.activeRun(integrationID: world.integrationID)?.state == .running
            }
            // Twice the lease's duration, in renewal steps: each step renews it.
            for _ in 0..<8 {
                world.clock.advance(by: .seconds(15))
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(engine.activeRun(integrationID: world.integrationID) != nil, "still running")
            let now = world.clock.nowMilliseconds()
            let other = try await world.store.acquireSyncLease(
                integrationID: world.integrationID,
                owner: "server-b",
                until: now + 60_000,
                at: now
            )
            #expect(!other, "the running sync renewed its lease")
            world.sandbox.setFaults(SandboxFaults())
            #expect(try await engine.waitUntilFinished(run).state == .succeeded)
        }
    }
}

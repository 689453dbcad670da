import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRECRU
import ATSBridgeStoreSQLite
import ATSBridgeSync
import ATSBridgeTestSupport
import Synchronization
import Testing

@testable import ATSBridgeSandbox

/// Syncs against a misbehaving RECRU: rate limits, errors, dropped connections, expiring
/// tokens, wrong credentials, and a sync stopped halfway.
@Suite struct SyncFaultTests {
    /// The content of a clean full sync of the default sandbox.
    private func cleanContent() async throws -> [Model: [String: [UInt8]]] {
        var content: [Model: [String: [UInt8]]] = [:]
        try await SyncHarness.with { harness in
            try await harness.sync()
            content = try await StoreSnapshot.take(harness.store, harness.integrationID).content
        }
        return content
    }

    @Test func aSyncUnderA429StormErrorsAndDroppedConnectionsEqualsACleanOne() async throws {
        let clean = try await self.cleanContent()
        var options = SyncHarness.Options()
        // Dropped connections and cut-off bodies on a real socket.
        options.http = true
        options.sandbox = { configuration in
            configuration.faults.rateLimitPerSecond = 10
            configuration.faults.rateLimitedRate = 0.15
            configuration.faults.retryAfterSeconds = 1
            configuration.faults.serverErrorRate = 0.15
            configuration.faults.dropConnectionRate = 0.1
            configuration.faults.truncatedBodyRate = 0.1
            configuration.faults.seed = 11
        }
        options.recru = { $0.sync.retry.maxRetryAfter = .seconds(1) }
        options.sync = { $0.pageSize = 10 }
        try await SyncHarness.with(options) { harness in
            let run = try await harness.sync()
            #expect(run.state == .succeeded, "\(run.errorCode ?? "") \(run.errorMessage ?? "")")
            let faults = harness.sandbox.injectedFaults.withLock { $0 }
            #expect(faults["429", default: 0] > 0 && faults["503", default: 0] > 0)
            #expect(faults["drop", default: 0] + faults["truncate", default: 0] > 0)
            #expect(
                StoreSnapshot.differences(
                    try await StoreSnapshot.take(harness.store, harness.integrationID).content,
                    clean
                ) == []
            )
        }
    }

    @Test func aTokenThatExpiresMidSyncLeadsToARelogin() async throws {
        // The sandbox's clock moves a minute per reading; tokens live five: several expire
        // during one sync.
        let now = Mutex<Int64>(1_800_000_000_000)
        var options = SyncHarness.Options()
        options.sandboxClock = {
            now.withLock {
                $0 += 60_000; return $0
            }
        }
        options.sandbox = { $0.tokenLifetime = .seconds(300) }
        try await SyncHarness.with(options) { harness in
            let run = try await harness.sync()
            #expect(run.state == .succeeded, "\(run.errorCode ?? "") \(run.errorMessage ?? "")")
            #expect(harness.sandbox.snapshot.tokens.count > 1, "the client logged in again")
            // Seeded dates follow this sandbox's clock, so compare with its own data.
            #expect(try await harness.differencesFromSandbox() == [])
        }
    }

    @Test func wrongCredentialsMarkTheIntegrationInvalid() async throws {
        var options = SyncHarness.Options()
        options.password = "not the password"
        try await SyncHarness.with(options) { harness in
            for attempt in 1...3 {
                let run = try await harness.sync()
                #expect(run.state == .failed)
                #expect(run.errorCode == "INTEGRATION.AUTHENTICATION_INVALID")
                let integration = try await harness.integration()
                #expect(integration?.status == (attempt < 3 ? .active : .invalid))
                #expect(integration?.statusReason?.contains("INTEGRATION.AUTHENTICATION_INVALID") == true)
                #expect(integration?.setupStatus == .syncPending)
            }
            #expect(try await StoreSnapshot.take(harness.store, harness.integrationID).content.isEmpty)
            let reason = try await harness.integration()?.statusReason ?? ""
            #expect(!reason.contains("not the password"))
        }
    }

    @Test func aSyncStoppedHalfwayThenRerunEqualsAnUninterruptedOne() async throws {
        let clean = try await self.cleanContent()
        var options = SyncHarness.Options()
        options.sandbox = { $0.faults.addedLatency = .milliseconds(15) }
        options.sync = { $0.pageSize = 5 }
        try await SyncHarness.with(options) { harness in
            let started = try await harness.engine.trigger(integrationID: harness.integrationID, type: .full)
            try await eventually(timeout: .seconds(60), "some jobs synced") {
                !(try await StoreSnapshot.take(harness.store, harness.integrationID)[.job].isEmpty)
            }
            await harness.engine.cancel(integrationID: harness.integrationID)
            let stopped = try await harness.engine.waitUntilFinished(started)
            #expect(stopped.state == .cancelled)
            let partial = try await StoreSnapshot.take(harness.store, harness.integrationID).content
            #expect(partial != clean)
            #expect(partial[.candidate] == nil, "the sync stopped before candidates")
            #expect(try await harness.integration()?.setupStatus == .syncPending)

            let rerun = try await harness.sync()
            #expect(rerun.state == .succeeded)
            #expect(rerun.deleted == 0)
            let final = try await StoreSnapshot.take(harness.store, harness.integrationID)
            #expect(StoreSnapshot.differences(final.content, clean) == [])
            #expect(final.contentWithTombstones.values.allSatisfy { $0.values.allSatisfy { $0.last == 0 } })
            #expect(try await harness.integration()?.setupStatus == .completed)
        }
    }
}

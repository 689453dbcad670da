import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRECRU
import ATSBridgeSandbox
import ATSBridgeSync
import Testing

/// How fast a sync calls RECRU: the integration's own settings, else the operator's
/// per-integration configuration, else the adapter's default; and what the run records.
@Suite struct SyncPacingTests {
    @Test func anIntegrationsOwnRateCapsItsSyncAndIsRecorded() async throws {
        var options = SyncHarness.Options()
        options.settings = IntegrationSettings(maxRequestsPerSecond: 400, fetchConcurrency: 1)
        options.sync = { $0.integrationPacing = ["int-1": IntegrationPacing(maxRequestsPerSecond: 300)] }
        try await SyncHarness.with(options) { harness in
            let run = try await harness.sync()
            #expect(run.state == .succeeded)
            // No 429 from the sandbox: the adaptive rate stayed at the integration's ceiling.
            #expect(run.requestsPerSecondLimit == 400)
            #expect(run.rateLimitedResponses == 0)
            #expect((run.remoteRequests ?? 0) > 10, "every page and the login")
        }
    }

    @Test func theOperatorsPerIntegrationRateAppliesWithoutASetting() async throws {
        var options = SyncHarness.Options()
        options.sync = { $0.integrationPacing = ["int-1": IntegrationPacing(maxRequestsPerSecond: 300)] }
        try await SyncHarness.with(options) { harness in
            let run = try await harness.sync()
            #expect(run.state == .succeeded)
            #expect(run.requestsPerSecondLimit == 300)
        }
    }

    @Test func a429StormSlowsTheSyncDownAndItStillSucceeds() async throws {
        var options = SyncHarness.Options()
        options.sandbox = {
            $0.faults.rateLimitPerSecond = 5
            $0.faults.retryAfterSeconds = 0
        }
        options.settings = IntegrationSettings(maxRequestsPerSecond: 200)
        // The production rule: no attempt cap, only the unavailability budget.
        options.recru = { $0.sync.retry.maxAttempts = nil }
        try await SyncHarness.with(options) { harness in
            let run = try await harness.sync()
            #expect(run.state == .succeeded, "\(run.errorMessage ?? "")")
            #expect((run.rateLimitedResponses ?? 0) > 0)
            #expect((run.requestsPerSecondLimit ?? 200) < 200, "the rate came down")
            #expect(try await harness.differencesFromSandbox().isEmpty)
        }
    }
}

import ATSBridgeCore
import ATSBridgeTestSupport
import Logging
import Testing

@testable import ATSBridgeRECRU
@testable import ATSBridgeSandbox

/// Sessions that expire while RECRU rate-limits, and RECRU staying unavailable: only a rejected
/// login means bad credentials, and a call fails only beyond its unavailability budget.
@Suite struct RECRUSessionTests {
    private func client(
        _ sandbox: RECRUSandbox,
        password: String = "sandbox",
        _ configure: (inout RECRUClientTuning) -> Void = { _ in }
    ) -> RECRUClient {
        var configuration = RECRUClientConfiguration(
            baseURL: "in-process:",
            login: "api@acme.example",
            password: password
        )
        configuration.tuning.retry.baseDelay = .milliseconds(5)
        configuration.tuning.retry.maxDelay = .milliseconds(50)
        configure(&configuration.tuning)
        return RECRUClient(
            configuration: configuration,
            transport: SandboxTransport(sandbox),
            logger: Logger(label: "test.recru.session")
        )
    }

    private func walk(_ client: RECRUClient) async throws -> [Int] {
        var ids: [Int] = []
        let walker = RECRUPageWalker(client: client, pageSize: 10, concurrency: 3)
        _ = try await walker.walk(
            .jobseekerList,
            map: { _, page in page.items.compactMap { $0.id.flatMap { Int($0) } } }
        ) { ids += $0 }
        return ids.sorted()
    }

    @Test func tokensExpiringUnderA429StormAreRenewedAsOftenAsNeeded() async throws {
        var configuration = SandboxConfiguration()
        // Longer than a request waits for its slot (at least 5/s, three callers), shorter than
        // the walk.
        configuration.tokenLifetime = .milliseconds(1_200)
        // Two requests per token per second refuse every burst; a loaded machine can be slower
        // than that, so a quarter of all requests are refused as well, whatever the pace.
        configuration.faults.rateLimitPerSecond = 2
        configuration.faults.rateLimitedRate = 0.25
        configuration.faults.retryAfterSeconds = 0
        let sandbox = RECRUSandbox(configuration: configuration, seed: 3, size: .small)
        let client = self.client(sandbox) {
            $0.requestsPerSecond = 50
            $0.minRequestsPerSecond = 5
        }
        let ids = try await self.walk(client)
        #expect(ids == sandbox.snapshot.jobseekers.all.map(\.id).sorted())
        #expect(client.counters.logins >= 2, "the token expired during the walk and was renewed")
        let pacing = client.pacing
        #expect(pacing.rateLimited > 0, "RECRU answered 429")
        #expect((pacing.requestsPerSecond ?? 50) < 50, "and it slowed down")
    }

    @Test func aRejectedLoginIsTheOnlyInvalidCredentials() async throws {
        let sandbox = RECRUSandbox(seed: 3, size: .small)
        await #expect {
            _ = try await self.client(sandbox, password: "wrong").call(.userList)
        } throws: { ($0 as? ATSBridgeError)?.code.dotted == "INTEGRATION.AUTHENTICATION_INVALID" }
    }

    @Test func anUnavailableRECRUFailsTheCallOnlyAfterTheBudget() async throws {
        var configuration = SandboxConfiguration()
        configuration.faults.failingMethods = [RECRUMethod.userList.rawValue]
        let sandbox = RECRUSandbox(configuration: configuration, seed: 3, size: .small)
        let client = self.client(sandbox) {
            $0.requestsPerSecond = 1_000
            $0.retry.unavailabilityBudget = .milliseconds(400)
        }
        await #expect {
            _ = try await client.call(.userList)
        } throws: { ($0 as? ATSBridgeError)?.code.dotted == "REMOTE.SERVICE_UNAVAILABLE" }
        // An attempt cap, when set, ends the retries before the budget.
        let capped = self.client(sandbox) {
            $0.requestsPerSecond = 1_000
            $0.retry.maxAttempts = 3
        }
        await #expect(throws: ATSBridgeError.self) { _ = try await capped.call(.userList) }
        #expect(capped.counters.requests == 1 + 3, "the login and three attempts")
        // RECRU back within the budget: the call succeeds.
        let recovering = self.client(sandbox) { $0.retry.unavailabilityBudget = .seconds(30) }
        let call = Task { _ = try await recovering.call(.userList) }
        try await eventually(timeout: .seconds(10), "a few failed attempts") { recovering.counters.requests > 3 }
        sandbox.setFaults(SandboxFaults())
        try await call.value
    }
}

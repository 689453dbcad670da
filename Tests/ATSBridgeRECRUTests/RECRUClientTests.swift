import ATSBridgeCore
import ATSBridgeTestSupport
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import ATSBridgeRECRU
@testable import ATSBridgeSandbox

/// The RECRU client against the sandbox over real HTTP (its own transport's tests), and the
/// same behaviour in-process.
@Suite struct RECRUClientTests {
    /// How the client reaches the sandbox.
    enum Transport: CaseIterable, Sendable {
        case http
        case inProcess
    }

    final class Clock: Sendable {
        let value = Mutex<Int64>(1_800_000_000_000)
        func advance(_ milliseconds: Int64) { self.value.withLock { $0 += milliseconds } }
    }

    private func withSandbox(
        _ transport: Transport = .http,
        configure: (inout SandboxConfiguration) -> Void = { _ in },
        clock: Clock = Clock(),
        _ body: (String, RECRUSandbox) async throws -> Void
    ) async throws {
        var configuration = SandboxConfiguration()
        configure(&configuration)
        let sandbox = RECRUSandbox(
            configuration: configuration,
            seed: 3,
            size: .small,
            clock: { clock.value.withLock { $0 } }
        )
        let logger = Logger(label: "test.recru")
        guard transport == .http else {
            return try await body(Self.inProcess, sandbox)
        }
        let server = SandboxHTTPServer(sandbox: sandbox, port: 0, logger: logger)
        try await withRunningService(server, logger: logger) { server, _ in
            try await body("http://127.0.0.1:\(try await server.listeningPort())", sandbox)
        }
    }

    /// The URL that stands for the in-process transport.
    static let inProcess = "in-process:"

    private func client(
        _ url: String,
        password: String = "sandbox",
        sandbox: RECRUSandbox? = nil,
        _ configure: (inout RECRUClientConfiguration) -> Void = { _ in }
    )
        -> RECRUClient
    {
        var configuration = RECRUClientConfiguration(baseURL: url, login: "api@acme.example", password: password)
        configuration.tuning.requestsPerSecond = 10_000
        configuration.tuning.retry.baseDelay = .milliseconds(5)
        configuration.tuning.retry.maxDelay = .milliseconds(50)
        configuration.tuning.retry.maxAttempts = 12
        configure(&configuration)
        let logger = Logger(label: "test.recru.client")
        if url == Self.inProcess, let sandbox {
            return RECRUClient(configuration: configuration, transport: SandboxTransport(sandbox), logger: logger)
        }
        return RECRUClient(configuration: configuration, logger: logger)
    }

    private func allJobseekerIDs(_ client: RECRUClient) async throws -> [Int] {
        var ids: [Int] = []
        let walker = RECRUPageWalker(client: client, pageSize: 7, concurrency: 1)
        let stable = try await walker.walk(
            .jobseekerList,
            map: { _, page in page.items.compactMap { $0.id.flatMap { Int($0) } } }
        ) { ids += $0 }
        #expect(stable)
        return ids
    }

    @Test(arguments: Transport.allCases) func logsInOnceAndWalksEveryPage(_ transport: Transport) async throws {
        try await self.withSandbox(transport) { url, sandbox in
            let client = self.client(url, sandbox: sandbox)
            let ids = try await self.allJobseekerIDs(client)
            #expect(ids == sandbox.snapshot.jobseekers.all.map(\.id))
            #expect(client.counters.logins == 1)
        }
    }

    @Test(arguments: Transport.allCases) func expiredTokenLeadsToOneReLogin(_ transport: Transport) async throws {
        let clock = Clock()
        try await self.withSandbox(transport, configure: { $0.tokenLifetime = .seconds(60) }, clock: clock) {
            url,
            sandbox in
            let client = self.client(url, sandbox: sandbox)
            _ = try await client.call(.userList)
            clock.advance(61_000)
            _ = try await client.call(.userList)
            #expect(client.counters.logins == 2)
        }
    }

    @Test func wrongCredentialsAreAuthenticationInvalid() async throws {
        try await self.withSandbox { url, _ in
            let client = self.client(url, password: "wrong")
            await #expect {
                _ = try await client.call(.userList)
            } throws: { error in
                let error = error as? ATSBridgeError
                return error?.code.dotted == "INTEGRATION.AUTHENTICATION_INVALID"
                    && error?.message.contains("wrong") == false
            }
        }
    }

    @Test(arguments: Transport.allCases) func faultsAreRetriedToTheSameData(_ transport: Transport) async throws {
        var clean: [Int] = []
        try await self.withSandbox(transport) { url, sandbox in
            clean = try await self.allJobseekerIDs(self.client(url, sandbox: sandbox))
        }
        try await self.withSandbox(
            transport,
            configure: {
                $0.faults.serverErrorRate = 0.2
                $0.faults.dropConnectionRate = 0.1
                $0.faults.truncatedBodyRate = 0.1
                $0.faults.seed = 99
            }
        ) { url, sandbox in
            let faulty = try await self.allJobseekerIDs(self.client(url, sandbox: sandbox))
            #expect(faulty == clean)
            let faults = sandbox.injectedFaults.withLock { $0 }
            #expect(faults.values.reduce(0, +) > 0)
        }
    }

    @Test func rateLimitingIsRetriedAfterRetryAfter() async throws {
        try await self.withSandbox(configure: {
            $0.faults.rateLimitPerSecond = 1_000; $0.faults.retryAfterSeconds = 0
        }) {
            url,
            sandbox in
            let client = self.client(url)
            let ids = try await self.allJobseekerIDs(client)
            #expect(ids.count == sandbox.snapshot.jobseekers.count)
        }
    }

    @Test func writesAreNotRetriedBlindly() async throws {
        try await self.withSandbox(configure: {
            $0.faults.failingMethods = [RECRUMethod.apply.rawValue, RECRUMethod.userList.rawValue]
        }) {
            url,
            sandbox in
            let client = self.client(url)
            // A read is retried until it gives up.
            await #expect(throws: ATSBridgeError.self) { _ = try await client.call(.userList) }
            #expect(client.counters.requests == 1 + 12)
            let before = client.counters.requests
            let applications = sandbox.snapshot.applications.count
            await #expect {
                _ = try await client.call(.apply, ["project_id": 1, "jobseeker_id": 5])
            } throws: { ($0 as? ATSBridgeError)?.code.dotted == "REMOTE.SERVICE_UNAVAILABLE" }
            // The write went out exactly once.
            #expect(client.counters.requests - before == 1)
            #expect(sandbox.snapshot.applications.count == applications)
        }
    }

    @Test func inputErrorsAndOversizedAnswersAreTyped() async throws {
        try await self.withSandbox { url, sandbox in
            let client = self.client(url)
            await #expect {
                _ = try await client.call(.apply, ["jobseeker_id": 5])
            } throws: { error in
                let error = error as? ATSBridgeError
                return error?.code.dotted == "REMOTE.INPUT_INVALID" && error?.message.contains("project_id") == true
            }
            let closed = sandbox.snapshot.projects.all.first { $0.status != "open" }!.id
            await #expect {
                _ = try await client.call(.apply, ["project_id": closed, "jobseeker_id": 5])
            } throws: { ($0 as? ATSBridgeError)?.code.dotted == "ATS.JOB_CLOSED" }
            let small = self.client(url) { $0.tuning.maxResponseBytes = 1_000 }
            await #expect {
                _ = try await small.call(.jobseekerList, ["limit": 200])
            } throws: { ($0 as? ATSBridgeError)?.code.dotted == "REMOTE.UNKNOWN_HTTP_ERROR" }
        }
    }
}

import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import ATSBridgeSync
import ATSBridgeTestSupport
import Crypto
import Foundation
import Synchronization
import Testing

@testable import ATSBridgeAPI
@testable import ATSBridgeSandbox

/// Idempotency keys: retries return the first result without writing to RECRU again.
@Suite struct IdempotencyTests {
    @Test func aRetryWithTheSameKeyAndBodyReturnsTheFirstResult() async throws {
        try await WriteHarness.with { harness in
            var request = harness.request()
            request.idempotencyKey = "jobboard-7731"
            let first = try await harness.client.unary(AtsWriteService.createApplication, request)
            let applications = harness.sandbox.snapshot.applications.count
            let second = try await harness.client.unary(AtsWriteService.createApplication, request)
            #expect(second == first)
            #expect(harness.sandbox.snapshot.applications.count == applications, "RECRU was not called again")

            var other = harness.request(email: "other@example.sk")
            other.idempotencyKey = "jobboard-7731"
            await #expect {
                _ = try await harness.client.unary(AtsWriteService.createApplication, other)
            } throws: { ($0 as? ATSBridgeError)?.code.dotted == "PLATFORM.INPUT_INVALID" }

            // The key may also come in the call metadata.
            var viaMetadata = harness.request(email: "meta@example.sk")
            viaMetadata.idempotencyKey = nil
            let options = CallOptions(idempotencyKey: "meta-1")
            let a = try await harness.client.unary(AtsWriteService.createApplication, viaMetadata, options: options)
            let b = try await harness.client.unary(AtsWriteService.createApplication, viaMetadata, options: options)
            #expect(a == b)
        }
    }

    @Test func aDeadlinePassingMidWriteRecordsTheOutcomeForTheRetry() async throws {
        try await WriteHarness.with({ $0.sandbox = { $0.faults.addedLatency = .milliseconds(300) } }) { harness in
            var request = harness.request()
            request.idempotencyKey = "slow-1"
            let applications = harness.sandbox.snapshot.applications.count
            await #expect {
                _ = try await harness.client.unary(
                    AtsWriteService.createApplication,
                    request,
                    options: CallOptions(timeout: .milliseconds(100))
                )
            } throws: { ($0 as? ATSBridgeError)?.code.status == .deadlineExceeded }
            let retried = try await harness.client.unary(AtsWriteService.createApplication, request)
            #expect(retried.application?.candidate?.firstName == "Nováková")
            #expect(harness.sandbox.snapshot.applications.count == applications + 1, "one application in RECRU")
        }
    }

    @Test func aCrashAfterRECRUAnsweredDoesNotDuplicateOnRetry() async throws {
        try await WriteHarness.with { harness in
            var request = harness.request()
            request.idempotencyKey = "crash-1"
            var unkeyed = request
            unkeyed.idempotencyKey = nil
            // A server applied in RECRU, saved its checkpoint, and died before the store update.
            let project = harness.openJob().remote
            let created = harness.applyInSandbox(project: project, email: "nova.kandidatka@example.sk")
            try await harness.claimAsAServerThatDied(key: "crash-1", for: unkeyed)
            let checkpoint =
                #"{"jobseeker":"\#(created.jobseeker)","application":"\#(created.application)","project":"\#(project)"}"#
            try await harness.store.completeIdempotencyKey(
                integrationID: harness.integrationID,
                key: "crash-1",
                claimedAt: 1,
                response: [1] + Array(checkpoint.utf8)
            )
            let applications = harness.sandbox.snapshot.applications.count

            let retried = try await harness.client.unary(AtsWriteService.createApplication, request)
            #expect(retried.application?.remoteID == "\(created.application)")
            #expect(harness.sandbox.snapshot.applications.count == applications, "no second application")
            let candidate = try await harness.client.unary(
                AtsReadService.getCandidate,
                GetRequest(id: try #require(retried.application?.candidateID))
            )
            #expect(candidate.remoteID == "\(created.jobseeker)")
        }
    }
}

/// Idempotency under races and partial failures, counting the sandbox's real RECRU calls.
@Suite struct IdempotencyRaceTests {
    private static let apply = "JobseekerService.apply"

    @Test func twoRequestsWithOneKeyAtTheSameMomentMakeOneRECRUCall() async throws {
        try await WriteHarness.with({ $0.sandbox = { $0.faults.addedLatency = .milliseconds(50) } }) { harness in
            var request = harness.request()
            request.idempotencyKey = "race-1"
            let keyed = request
            let before = harness.sandbox.methodCalls.withLock { $0[Self.apply, default: 0] }
            let applications = harness.sandbox.snapshot.applications.count
            let responses = try await withThrowingTaskGroup(of: CreateApplicationResponse.self) { group in
                for _ in 0..<2 {
                    group.addTask { try await harness.client.unary(AtsWriteService.createApplication, keyed) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.count == 2 && responses[0] == responses[1])
            #expect(harness.sandbox.methodCalls.withLock { $0[Self.apply, default: 0] } == before + 1)
            #expect(harness.sandbox.snapshot.applications.count == applications + 1)
        }
    }

    @Test func aTransientFailureAfterRECRUAcceptedKeepsTheCheckpointForTheRetry() async throws {
        try await WriteHarness.with { harness in
            var request = harness.request()
            request.idempotencyKey = "after-apply-1"
            let before = harness.sandbox.methodCalls.withLock { $0[Self.apply, default: 0] }
            // RECRU accepts the apply, then its reads fail: the created records cannot be read back.
            var outage = SandboxFaults()
            outage.failingMethods = ["JobseekerService.get"]
            harness.sandbox.setFaults(outage)
            await #expect {
                _ = try await harness.client.unary(AtsWriteService.createApplication, request)
            } throws: { ($0 as? ATSBridgeError)?.code.status == .unavailable }
            #expect(harness.sandbox.methodCalls.withLock { $0[Self.apply, default: 0] } == before + 1)
            harness.sandbox.setFaults(SandboxFaults())

            let retried = try await harness.client.unary(AtsWriteService.createApplication, request)
            #expect(
                harness.sandbox.methodCalls.withLock { $0[Self.apply, default: 0] } == before + 1,
                "no second apply"
            )
            let remoteID = try #require(retried.application?.remoteID)
            #expect(harness.sandbox.snapshot.applications.all.contains { "\($0.id)" == remoteID })
            // Marked as created here with its records, for "sync only created applications".
            let marked = try await harness.store.createdHere(integrationID: harness.integrationID, model: .application)
            #expect(marked.contains(remoteID))
        }
    }

    private static let applicants = "JobseekerService.getList"

    private static func calls(_ harness: WriteHarness, _ method: String) -> Int {
        harness.sandbox.methodCalls.withLock { $0[method, default: 0] }
    }

    /// Sends `request` once under `faults`, expecting it to fail with `code`, then clears them.
    private static func failOnce(
        _ harness: WriteHarness,
        _ request: CreateApplicationRequest,
        under faults: SandboxFaults,
        with code: ATSBridgeError.Code
    ) async {
        harness.sandbox.setFaults(faults)
        await #expect {
            _ = try await harness.client.unary(AtsWriteService.createApplication, request)
        } throws: { ($0 as? ATSBridgeError)?.code == code }
        harness.sandbox.setFaults(SandboxFaults())
    }

    @Test func anAnswerLostAfterRECRUAppliedIsFoundByTheRetryWithoutASecondApply() async throws {
        try await WriteHarness.with { harness in
            var request = harness.request()
            request.idempotencyKey = "lost-1"
            let before = Self.calls(harness, Self.apply)
            let applications = harness.sandbox.snapshot.applications.count
            // RECRU applies, and the connection breaks while its answer is on the way.
            var lost = SandboxFaults()
            lost.lostAnswerMethods = [Self.apply]
            await Self.failOnce(harness, request, under: lost, with: .remoteUnavailable)
            #expect(harness.sandbox.snapshot.applications.count == applications + 1, "RECRU did apply")
            // A sync before the retry makes the lost apply's jobseeker the store's candidate.
            let run = try await harness.engine.waitUntilFinished(
                try await harness.engine.trigger(integrationID: harness.integrationID, type: .full)
            )
            #expect(run.state == .succeeded)

            let retried = try await harness.client.unary(AtsWriteService.createApplication, request)
            #expect(Self.calls(harness, Self.apply) == before + 1, "no second apply")
            #expect(retried.warnings.isEmpty, "its own jobseeker is no existing candidate")
            #expect(harness.sandbox.snapshot.applications.count == applications + 1)
            let created = try #require(harness.sandbox.snapshot.applications.all.max { $0.id < $1.id })
            #expect(retried.application?.remoteID == "\(created.id)")
            #expect(retried.application?.candidate?.remoteID == "\(created.jobseekerID)")
            // The found records are mirrored and marked as created here, like an answered apply.
            let marked = try await harness.store.createdHere(integrationID: harness.integrationID, model: .application)
            #expect(marked.contains("\(created.id)"))
            let again = try await harness.client.unary(AtsWriteService.createApplication, request)
            #expect(again == retried)
            #expect(Self.calls(harness, Self.apply) == before + 1)
        }
    }

    @Test func aWriteRECRUNeverRanIsAppliedOnceByTheRetry() async throws {
        try await WriteHarness.with { harness in
            var request = harness.request(email: "never.ran@example.sk")
            request.idempotencyKey = "never-ran-1"
            let applications = harness.sandbox.snapshot.applications.count
            // A 503 for apply: the client cannot tell whether RECRU wrote before failing.
            var outage = SandboxFaults()
            outage.failingMethods = [Self.apply]
            await Self.failOnce(harness, request, under: outage, with: .remoteUnavailable)
            let lookups = Self.calls(harness, Self.applicants)

            let retried = try await harness.client.unary(AtsWriteService.createApplication, request)
            #expect(Self.calls(harness, Self.applicants) > lookups, "the retry looked for a lost write first")
            #expect(harness.sandbox.snapshot.applications.count == applications + 1, "one application")
            #expect(retried.application?.remoteID != nil)
        }
    }

    @Test func aRateLimitedApplyIsForgottenAndRetriedWithoutALookup() async throws {
        try await WriteHarness.with { harness in
            var request = harness.request(email: "limited@example.sk")
            request.idempotencyKey = "limited-1"
            var limited = SandboxFaults()
            limited.rateLimitedRate = 1
            limited.retryAfterSeconds = 0
            await Self.failOnce(harness, request, under: limited, with: .remoteRateLimited)
            let lookups = Self.calls(harness, Self.applicants)
            _ = try await harness.client.unary(AtsWriteService.createApplication, request)
            #expect(Self.calls(harness, Self.applicants) == lookups, "a 429 is a refusal: nothing to look for")
        }
    }

    @Test func anApplyWhoseLoginFailedIsRetriedWithoutALookup() async throws {
        try await WriteHarness.with { harness in
            var request = harness.request(email: "login.failed@example.sk")
            request.idempotencyKey = "login-failed-1"
            let applications = harness.sandbox.snapshot.applications.count
            // The session expired, and logging in again meets a 503: apply never reached RECRU.
            harness.sandbox.mutate { $0.tokens.removeAll() }
            var outage = SandboxFaults()
            outage.failingMethods = ["AuthService.login"]
            await Self.failOnce(harness, request, under: outage, with: .remoteUnavailable)
            #expect(harness.sandbox.snapshot.applications.count == applications, "RECRU refused the old token")
            let lookups = Self.calls(harness, Self.applicants)

            let retried = try await harness.client.unary(AtsWriteService.createApplication, request)
            #expect(Self.calls(harness, Self.applicants) == lookups, "nothing was sent: nothing to look for")
            #expect(harness.sandbox.snapshot.applications.count == applications + 1, "one application")
            #expect(retried.application?.remoteID != nil)
        }
    }

    @Test func aLostAnswerForAnExistingCandidateFoundByItsWorkAddressIsFoundByTheRetry() async throws {
        try await WriteHarness.with { harness in
            let state = harness.sandbox.snapshot
            let jobseeker = try #require(state.jobseekers.all.first { $0.workEmail != nil && $0.email != nil })
            let applied = Set(state.applications.all.filter { $0.jobseekerID == jobseeker.id }.map(\.projectID))
            let project = try #require(
                state.projects.all.first { $0.status == "open" && !$0.stages.isEmpty && !applied.contains($0.id) }
            )
            var request = harness.request(email: jobseeker.workEmail!.uppercased())
            request.jobID = RecordID.make(integrationID: harness.integrationID, model: .job, remoteID: "\(project.id)")
            request.idempotencyKey = "work-email-1"
            let before = Self.calls(harness, Self.apply)
            var lost = SandboxFaults()
            lost.lostAnswerMethods = [Self.apply]
            await Self.failOnce(harness, request, under: lost, with: .remoteUnavailable)

            let retried = try await harness.client.unary(AtsWriteService.createApplication, request)
            #expect(retried.application?.candidate?.remoteID == "\(jobseeker.id)")
            #expect(Self.calls(harness, Self.apply) == before + 1, "no second apply")
            let created = try #require(harness.sandbox.snapshot.applications.all.max { $0.id < $1.id })
            #expect(retried.application?.remoteID == "\(created.id)" && created.jobseekerID == jobseeker.id)
        }
    }

    @Test func aLostAnswerAfterAGoneCandidateWasReplacedIsFoundByEmail() async throws {
        try await WriteHarness.with { harness in
            let jobs = harness.sandbox.snapshot.projects.all.filter { $0.status == "open" && !$0.stages.isEmpty }
            var first = harness.request(email: "replaced@example.sk")
            first.jobID = "remote:\(jobs[0].id)"
            let created = try await harness.client.unary(AtsWriteService.createApplication, first)
            let gone = try #require(Int(created.application?.candidate?.remoteID ?? ""))
            harness.sandbox.mutate { state in
                for application in state.applications.all where application.jobseekerID == gone {
                    state.applications.remove(application.id)
                }
                state.jobseekers.remove(gone)
            }
            // A server sent apply with the store's candidate, RECRU no longer had it, the server
            // created a new jobseeker instead, and died before that answer arrived.
            var second = harness.request(email: "replaced@example.sk")
            second.jobID = "remote:\(jobs[1].id)"
            second.idempotencyKey = "replaced-1"
            var unkeyed = second
            unkeyed.idempotencyKey = nil
            let replacement = harness.applyInSandbox(project: jobs[1].id, email: "replaced@example.sk")
            try await harness.claimAsAServerThatDied(key: "replaced-1", for: unkeyed)
            let before = Self.calls(harness, Self.apply)
            let retried = try await harness.client.unary(AtsWriteService.createApplication, second)
            #expect(Self.calls(harness, Self.apply) == before, "no apply: RECRU had it")
            #expect(retried.application?.remoteID == "\(replacement.application)")
            #expect(retried.application?.candidate?.remoteID == "\(replacement.jobseeker)")
        }
    }

    @Test func aRetryOfASucceededCreateIsAnsweredAfterItsJobClosed() async throws {
        try await WriteHarness.with { harness in
            let job = harness.openJob().remote
            var request = harness.request(email: "closed.later@example.sk")
            request.jobID = "remote:\(job)"
            request.idempotencyKey = "closed-later-1"
            let first = try await harness.client.unary(AtsWriteService.createApplication, request)
            harness.sandbox.mutate { state in
                var project = state.projects[job]!
                project.status = "closed"
                state.projects.put(project)
            }
            let run = try await harness.engine.waitUntilFinished(
                try await harness.engine.trigger(integrationID: harness.integrationID, type: .full)
            )
            #expect(run.state == .succeeded)
            let retried = try await harness.client.unary(AtsWriteService.createApplication, request)
            #expect(retried.application?.remoteID == first.application?.remoteID)
            // A new create for the closed job is refused.
            request.idempotencyKey = "closed-later-2"
            request.candidate?.emailAddress = "another@example.sk"
            await #expect {
                _ = try await harness.client.unary(AtsWriteService.createApplication, request)
            } throws: { ($0 as? ATSBridgeError)?.code == .atsJobClosed }
        }
    }

    @Test func aRemoteJobIDWithLeadingZerosIsRefused() async throws {
        try await WriteHarness.with { harness in
            var request = harness.request(email: "zeros@example.sk")
            request.jobID = "remote:00\(harness.openJob().remote)"
            let before = Self.calls(harness, Self.apply)
            await #expect {
                _ = try await harness.client.unary(AtsWriteService.createApplication, request)
            } throws: { ($0 as? ATSBridgeError)?.code == .inputInvalid }
            #expect(Self.calls(harness, Self.apply) == before)
        }
    }

    @Test func twoServersResumingOneUncertainKeyWriteOnceAndAgreeOnItsOutcome() async throws {
        let path = TemporaryFiles.unique("uncertain").appendingPathComponent("store.sqlite").path
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        let request = Array("body".utf8)
        let claimedAt = SystemSyncClock().nowMilliseconds()
        _ = try await store.claimIdempotencyKey(
            IdempotencyRecord(
                integrationID: "i",
                key: "k",
                requestHash: Array(SHA256.hash(data: request)),
                response: nil,
                createdAt: claimedAt
            )
        )
        try await store.completeIdempotencyKey(integrationID: "i", key: "k", claimedAt: claimedAt, response: [4])
        // Two servers (one executor each) get a retry of the key at the same moment.
        let runs = Runs()
        let servers = [
            IdempotentExecutor(store: store, clock: SystemSyncClock()),
            IdempotentExecutor(store: store, clock: SystemSyncClock()),
        ]
        let outcomes = await withTaskGroup(of: Result<[UInt8], any Error>.self) { group in
            for server in servers {
                group.addTask {
                    do {
                        return .success(
                            try await server.run(integrationID: "i", key: "k", request: request) { progress, _ in
                                let first = runs.value.withLock {
                                    $0.append(progress)
                                    return $0.count == 1
                                }
                                try await Task.sleep(for: .milliseconds(100))
                                // A second run would find RECRU's duplicate check.
                                guard first else {
                                    throw ATSBridgeError(.atsApplicationAlreadyExists, "already applied")
                                }
                                return Array("created".utf8)
                            }
                        )
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(runs.value.withLock { $0 } == [.uncertain], "one server took the key over and looked")
        #expect(outcomes.allSatisfy { (try? $0.get()) == Array("created".utf8) }, "the other waited for its outcome")
    }

    @Test func aClaimLeftByAServerThatDiedMidApplyReturnsWhatRECRUCreated() async throws {
        try await WriteHarness.with { harness in
            var request = harness.request(email: "Died.Mid@Example.sk")
            request.idempotencyKey = "died-1"
            var unkeyed = request
            unkeyed.idempotencyKey = nil
            // A server claimed the key, sent apply (RECRU wrote it), and died before the answer.
            let project = harness.openJob().remote
            let created = harness.applyInSandbox(project: project, email: "died.mid@example.sk").application
            try await harness.claimAsAServerThatDied(key: "died-1", for: unkeyed)
            let before = Self.calls(harness, Self.apply)
            let retried = try await harness.client.unary(AtsWriteService.createApplication, request)
            #expect(retried.application?.remoteID == "\(created)")
            #expect(Self.calls(harness, Self.apply) == before, "no apply: RECRU had it")
        }
    }
}

extension WriteHarness {
    /// Claims `key` for `request` (without its key) as a server that died at once after
    /// claiming it did: no outcome, claimed long ago.
    func claimAsAServerThatDied(key: String, for request: CreateApplicationRequest) async throws {
        _ = try await self.store.claimIdempotencyKey(
            IdempotencyRecord(
                integrationID: self.integrationID,
                key: key,
                requestHash: Array(SHA256.hash(data: try request.encode())),
                response: nil,
                createdAt: 1
            )
        )
    }

    /// Creates a jobseeker with `email` and its application to `project` in the sandbox
    /// directly, as an `apply` whose answer never arrived would have.
    func applyInSandbox(project: Int, email: String) -> (jobseeker: Int, application: Int) {
        self.sandbox.mutate { state in
            let jobseeker = SandboxJobseeker(
                id: state.nextID("jobseeker"),
                firstName: "Nováková",
                lastName: "Žofia",
                email: email,
                tagIDs: [],
                gdprConsent: true,
                attachments: []
            )
            state.jobseekers.put(jobseeker)
            let stage = state.projects[project]!.stages.min { $0.position < $1.position }!
            let application = SandboxApplication(
                id: state.nextID("application"),
                projectID: project,
                jobseekerID: jobseeker.id,
                stageID: stage.id,
                status: "active"
            )
            state.applications.put(application)
            return (jobseeker.id, application.id)
        }
    }
}

/// The progress each run of a command started from, shared between concurrent runs.
private final class Runs: Sendable {
    let value = Mutex<[RemoteWriteProgress]>([])
}

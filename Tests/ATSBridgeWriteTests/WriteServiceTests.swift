import ATSBridgeAPI
import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRECRU
import ATSBridgeStoreSQLite
import ATSBridgeSync
import ATSBridgeTestSupport
import Crypto
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import ATSBridgeSandbox

/// The three write commands through the Swift client, the RPC server, RECRU's adapter, the
/// sandbox (over real HTTP where the transport matters, in-process elsewhere) and the store.
@Suite struct WriteServiceTests {
    private func code(_ error: any Error) -> String {
        (error as? ATSBridgeError).map { "\($0.code.status.name ?? "?") \($0.code.dotted)" } ?? "\(error)"
    }

    @Test func createApplicationWritesToRECRUAndTheStoreAtOnce() async throws {
        try await WriteHarness.with({ $0.http = true }) { harness in
            var request = harness.request()
            request.attachments.append(
                AttachmentInput(
                    name: "letter.txt",
                    type: .coverLetter,
                    content: .dataURL("data:text/plain;base64,RGFrdWplbQ==")
                )
            )
            let response = try await harness.client.unary(AtsWriteService.createApplication, request)
            let application = try #require(response.application)
            #expect(application.outcome == .pending)
            #expect(application.jobID == harness.openJob().id)
            #expect(application.candidate?.firstName == "Nováková")
            #expect(application.currentStage?.id != nil)

            // The next read sees it, with its nested data.
            let candidateID = try #require(application.candidateID)
            let candidate = try await harness.client.unary(AtsReadService.getCandidate, GetRequest(id: candidateID))
            #expect(candidate.emailAddresses.first?.emailAddress == "nova.kandidatka@example.sk")
            #expect(candidate.source == "ATSBridge", "source writing is on by default")
            #expect(candidate.applications.map(\.id) == [application.id])

            // RECRU has it, with the attachments and consent.
            let jobseeker = try #require(harness.sandbox.snapshot.jobseekers[Int(candidate.remoteID ?? "") ?? -1])
            #expect(jobseeker.attachments.map(\.type) == ["cv", "cover_letter"])
            #expect(jobseeker.attachments.last?.size == 7)
            #expect(jobseeker.gdprConsent)
            #expect(
                try await harness.store.createdHere(integrationID: harness.integrationID, model: .application)
                    == [application.remoteID ?? ""]
            )

            // A sync afterwards changes nothing: the store already holds what RECRU lists.
            let run = try await harness.engine.waitUntilFinished(
                try await harness.engine.trigger(integrationID: harness.integrationID, type: .full)
            )
            #expect(run.created == 0 && run.updated == 0 && run.deleted == 0)
        }
    }

    @Test func applyingAgainWithAKnownEmailReusesItsCandidate() async throws {
        try await WriteHarness.with { harness in
            let jobs = harness.sandbox.snapshot.projects.all.filter { $0.status == "open" && !$0.stages.isEmpty }
            #expect(jobs.count >= 5)
            func job(_ index: Int) -> String {
                RecordID.make(integrationID: harness.integrationID, model: .job, remoteID: "\(jobs[index].id)")
            }
            var first = harness.request(email: "jana.reuse@example.sk")
            first.jobID = job(0)
            let created = try #require(
                try await harness.client.unary(AtsWriteService.createApplication, first).application
            )
            #expect(created.candidate?.remoteID != nil)
            let jobseekers = harness.sandbox.snapshot.jobseekers.count

            // The same address, in other capitals, for another job: the same candidate applies.
            var second = harness.request(email: "Jana.Reuse@Example.SK")
            second.jobID = job(1)
            second.candidate?.firstName = "Jana"
            let response = try await harness.client.unary(AtsWriteService.createApplication, second)
            let reused = try #require(response.application)
            #expect(reused.candidateID == created.candidateID)
            #expect(reused.candidate?.firstName == "Nováková", "its fields are not changed")
            #expect(response.warnings.compactMap(\.message).contains { $0.contains("existing candidate") })
            #expect(harness.sandbox.snapshot.jobseekers.count == jobseekers, "no second jobseeker in RECRU")
            let candidate = try await harness.client.unary(
                AtsReadService.getCandidate,
                GetRequest(id: try #require(created.candidateID))
            )
            #expect(Set(candidate.applications.map(\.id)) == [created.id, reused.id])

            // The same candidate for the same job is RECRU's duplicate.
            await #expect {
                _ = try await harness.client.unary(AtsWriteService.createApplication, first)
            } throws: { self.code($0) == "ALREADY_EXISTS ATS.APPLICATION_ALREADY_EXISTS" }

            // A candidate gone from RECRU since the last sync: a new one is created instead.
            let gone = try #require(Int(created.candidate?.remoteID ?? ""))
            harness.sandbox.mutate { state in
                for application in state.applications.all where application.jobseekerID == gone {
                    state.applications.remove(application.id)
                }
                state.jobseekers.remove(gone)
            }
            // (Another job: the store still has the gone candidate's applications until a sync.)
            var third = harness.request(email: "jana.reuse@example.sk")
            third.jobID = job(2)
            let recreatedResponse = try await harness.client.unary(AtsWriteService.createApplication, third)
            let recreated = try #require(recreatedResponse.application)
            #expect(recreated.candidateID != created.candidateID)
            #expect(recreated.candidate?.remoteID != "\(gone)")
            #expect(!recreatedResponse.warnings.compactMap(\.message).contains { $0.contains("existing candidate") })
            // Created here after all, so it gets the default source like any candidate created here.
            let replacement = try #require(Int(recreated.candidate?.remoteID ?? ""))
            #expect(harness.sandbox.snapshot.jobseekers[replacement]?.sourceID != nil)
            // From then on the new one applies, not the gone one again.
            let jobseekersNow = harness.sandbox.snapshot.jobseekers.count
            var fourth = harness.request(email: "jana.reuse@example.sk")
            fourth.jobID = job(3)
            let again = try await harness.client.unary(AtsWriteService.createApplication, fourth)
            #expect(again.application?.candidateID == recreated.candidateID)
            #expect(harness.sandbox.snapshot.jobseekers.count == jobseekersNow)

            // CreateCandidate creates a candidate, whatever the store has.
            let legacy = try await harness.client.unary(
                AtsWriteService.createCandidate,
                CreateCandidateRequest(
                    candidate: CandidateInput(firstName: "Jana", lastName: "R", emailAddress: "jana.reuse@example.sk"),
                    application: ApplicationInput(jobID: job(4))
                )
            )
            #expect(legacy.candidate?.id != created.candidateID && legacy.candidate?.id != recreated.candidateID)
        }
    }

    @Test func anExistingCandidateKeepsItsSourceAndAKnownApplicationIsRefusedBeforeRECRU() async throws {
        try await WriteHarness.with { harness in
            let state = harness.sandbox.snapshot
            let jobseeker = try #require(
                state.jobseekers.all.first { $0.sourceID != nil && $0.email != nil && $0.workEmail != nil }
            )
            let applied = state.applications.all.filter { $0.jobseekerID == jobseeker.id }.map(\.projectID)
            let open = state.projects.all.filter { $0.status == "open" && !$0.stages.isEmpty }
            let fresh = try #require(open.first { !applied.contains($0.id) })
            var request = harness.request(email: jobseeker.email!)
            request.jobID = "remote:\(fresh.id)"
            _ = try await harness.client.unary(AtsWriteService.createApplication, request)
            #expect(
                harness.sandbox.snapshot.jobseekers[jobseeker.id]?.sourceID == jobseeker.sourceID,
                "source writing is for candidates created here"
            )

            // Its work address, for a job it applied to: refused here, as RECRU's check would.
            let applies = harness.sandbox.methodCalls.withLock { $0["JobseekerService.apply", default: 0] }
            var duplicate = harness.request(email: jobseeker.workEmail!)
            duplicate.jobID = "remote:\(fresh.id)"
            await #expect {
                _ = try await harness.client.unary(AtsWriteService.createApplication, duplicate)
            } throws: { self.code($0) == "ALREADY_EXISTS ATS.APPLICATION_ALREADY_EXISTS" }
            #expect(harness.sandbox.methodCalls.withLock { $0["JobseekerService.apply", default: 0] } == applies)

            // A closed job the store knows, named by its RECRU id: refused before RECRU too.
            var closed = harness.request(email: "closed.job@example.sk")
            closed.jobID = "remote:\(harness.closedJob().remote)"
            await #expect {
                _ = try await harness.client.unary(AtsWriteService.createApplication, closed)
            } throws: { self.code($0) == "FAILED_PRECONDITION ATS.JOB_CLOSED" }
            #expect(harness.sandbox.methodCalls.withLock { $0["JobseekerService.apply", default: 0] } == applies)
        }
    }

    @Test func writtenRecordsAreStampedByTheInjectedClock() async throws {
        let now: Int64 = 4_102_444_800_000
        try await WriteHarness.with({ $0.clock = FixedClock(now: now) }) { harness in
            let job = harness.openJob()
            let request = CreateCandidateRequest(
                candidate: CandidateInput(firstName: "Ada", lastName: "Clock", emailAddress: "ada@example.org"),
                application: ApplicationInput(jobID: "remote:\(job.remote)")
            )
            let response = try await harness.client.unary(AtsWriteService.createCandidate, request)
            let candidate = try #require(response.candidate)
            #expect(candidate.changedAt == now)
            #expect(candidate.applications.count == 1)
        }
    }

    @Test func createCandidateWithARemoteJobIdAndAnExplicitSource() async throws {
        try await WriteHarness.with { harness in
            let job = harness.openJob()
            let request = CreateCandidateRequest(
                // A domain in capitals is a domain: accepted, and sent lower-cased.
                // Kosovo's XK is user-assigned in ISO 3166-1, and used as a country code all the same.
                candidate: CandidateInput(
                    firstName: "Jürgen",
                    lastName: "Müller",
                    emailAddress: "JM@Example.DE",
                    location: Location(city: "Prishtina", country: "XK")
                ),
                application: ApplicationInput(jobID: "remote:\(job.remote)"),
                // A content type with parameters is a content type.
                attachments: [
                    AttachmentInput(
                        name: "notes.txt",
                        type: .other,
                        contentType: "text/plain; charset=utf-8",
                        content: .data(Array("Poznámky".utf8))
                    )
                ],
                source: SourceInput(name: "Jobbörse")
            )
            let response = try await harness.client.unary(AtsWriteService.createCandidate, request)
            let candidate = try #require(response.candidate)
            #expect(candidate.source == "Jobbörse")
            #expect(candidate.emailAddresses.map(\.emailAddress) == ["JM@example.de"])
            #expect(candidate.applications.count == 1)
            #expect(candidate.applications.first?.job?.id == job.id)
            #expect(candidate.location?.country == "XK")
        }
    }

    @Test func addCandidateTagAssignsByNameOnceAndRefusesUnknownTags() async throws {
        try await WriteHarness.with { harness in
            let state = harness.sandbox.snapshot
            let jobseeker = state.jobseekers.all.first!
            let tag = state.tags.all.first { !jobseeker.tagIDs.contains($0.id) }!
            let candidateID = RecordID.make(
                integrationID: harness.integrationID,
                model: .candidate,
                remoteID: "\(jobseeker.id)"
            )
            let request = AddCandidateTagRequest(candidateID: candidateID, tagName: tag.name.uppercased())
            let first = try await harness.client.unary(AtsWriteService.addCandidateTag, request)
            #expect(first.alreadyAssigned == false)
            #expect(first.tag?.name == tag.name)
            #expect(harness.sandbox.snapshot.jobseekers[jobseeker.id]?.tagIDs.contains(tag.id) == true)
            let candidate = try await harness.client.unary(AtsReadService.getCandidate, GetRequest(id: candidateID))
            #expect(candidate.tags.contains { $0.name == tag.name })

            let again = try await harness.client.unary(AtsWriteService.addCandidateTag, request)
            #expect(again.alreadyAssigned == true)

            // A tag created in RECRU after the last sync is found by refreshing the tags once.
            harness.sandbox.mutate { $0.tags.put(SandboxNamed(id: 999, name: "Nový tag")) }
            let fresh = try await harness.client.unary(
                AtsWriteService.addCandidateTag,
                AddCandidateTagRequest(candidateID: candidateID, tagName: "Nový tag")
            )
            #expect(fresh.tag?.remoteID == "999")

            await #expect {
                _ = try await harness.client.unary(
                    AtsWriteService.addCandidateTag,
                    AddCandidateTagRequest(candidateID: candidateID, tagName: "No Such Tag")
                )
            } throws: { error in
                self.code(error) == "NOT_FOUND PLATFORM.NOT_FOUND" && "\(error)".contains("No Such Tag")
            }
            await #expect {
                _ = try await harness.client.unary(
                    AtsWriteService.addCandidateTag,
                    AddCandidateTagRequest(candidateID: "unknown", tagName: tag.name)
                )
            } throws: { self.code($0) == "NOT_FOUND PLATFORM.NOT_FOUND" }
        }
    }

    @Test func badInputIsRejectedWithTheFieldAndNothingWritten() async throws {
        try await WriteHarness.with({ $0.write = { $0.maxAttachmentBytes = 1000 } }) { harness in
            let before = try await harness.counts()
            var cases: [(CreateApplicationRequest, String, String)] = []
            func with(_ change: (inout CreateApplicationRequest) -> Void, _ code: String, _ mention: String) {
                var request = harness.request()
                change(&request)
                cases.append((request, code, mention))
            }
            let invalid = "INVALID_ARGUMENT PLATFORM.INPUT_INVALID"
            with({ $0.candidate?.firstName = nil }, invalid, "candidate.first_name")
            with({ $0.candidate?.lastName = " " }, invalid, "candidate.last_name")
            with({ $0.candidate?.emailAddress = nil }, invalid, "candidate.email_address")
            with({ $0.candidate?.emailAddress = "not-an-email" }, invalid, "candidate.email_address")
            with({ $0.candidate?.location = Location(city: "Praha", country: "Czechia") }, invalid, "location.country")
            for country in ["XX", "UK", "sk", "EU"] {
                with(
                    { $0.candidate?.location = Location(city: "Praha", country: country) },
                    invalid,
                    "location.country"
                )
            }
            with({ $0.attachments[0].content = nil }, invalid, "exactly one of data and data_url")
            with({ $0.attachments[0].contentType = nil }, invalid, "content_type is required")
            with({ $0.attachments[0].contentType = "pdf" }, invalid, "content_type")
            with({ $0.attachments[0].type = nil }, invalid, "type must be")
            with({ $0.attachments[0].name = nil }, invalid, "name is required")
            with({ $0.attachments[0].content = .dataURL("data:application/pdf;base64,%%%") }, invalid, "invalid base64")
            with(
                { $0.attachments[0].content = .data([UInt8](repeating: 1, count: 1001)) },
                invalid,
                "the limit is 1000"
            )
            with({ $0.attachments[0].content = .dataURL("ftp://example.com/cv.pdf") }, invalid, "data_url")
            with({ $0.attachments[0].content = .dataURL("data:foo;base64,aGVsbG8=") }, invalid, "media type")
            with({ $0.attachments[0].contentType = "text/plain; charset" }, invalid, "content_type")
            with({ $0.attachments[0].name = String(repeating: "n", count: 256) }, invalid, "name is over 255")
            with({ $0.source = SourceInput(name: String(repeating: "s", count: 201)) }, invalid, "source.name")
            with({ $0.jobID = nil }, invalid, "job_id")
            with({ $0.jobID = "unknownjob" }, "NOT_FOUND PLATFORM.NOT_FOUND", "job")
            with({ $0.jobID = harness.closedJob().id }, "FAILED_PRECONDITION ATS.JOB_CLOSED", "job")
            with({ $0.jobID = "remote:\(harness.closedJob().remote)" }, "FAILED_PRECONDITION ATS.JOB_CLOSED", "job")
            with({ $0.jobID = "remote:987654" }, "NOT_FOUND PLATFORM.NOT_FOUND", "Project")
            with({ $0.stageID = "remote:99999" }, "INVALID_ARGUMENT REMOTE.INPUT_INVALID", "stage_id")
            // Not RECRU ids: refused here, before RECRU is called.
            with({ $0.jobID = "remote:abc" }, invalid, "job_id remote: needs a RECRU id, a positive whole number")
            with({ $0.jobID = "remote:-5" }, invalid, "job_id")
            with({ $0.jobID = "remote:0" }, invalid, "job_id")
            with({ $0.stageID = "remote:1.5" }, invalid, "stage_id remote: needs a RECRU id")
            for (request, code, mention) in cases {
                do {
                    _ = try await harness.client.unary(AtsWriteService.createApplication, request)
                    Issue.record("accepted: \(mention)")
                } catch {
                    #expect(self.code(error) == code, "\(mention): \(error)")
                    #expect("\(error)".contains(mention), "\(error)")
                    #expect(!"\(error)".contains("Nováková"), "no personal data in errors")
                }
            }
            #expect(try await harness.counts() == before, "nothing half-written")
        }
    }

    @Test func applyingTwiceIsAlreadyExists() async throws {
        try await WriteHarness.with { harness in
            _ = try await harness.client.unary(AtsWriteService.createApplication, harness.request())
            let before = try await harness.counts()
            await #expect {
                _ = try await harness.client.unary(AtsWriteService.createApplication, harness.request())
            } throws: { self.code($0) == "ALREADY_EXISTS ATS.APPLICATION_ALREADY_EXISTS" }
            #expect(try await harness.counts() == before)
        }
    }

    @Test func recruDownOrRateLimitedIsTypedAndWritesNothing() async throws {
        try await WriteHarness.with({
            $0.http = true
            $0.sandbox = { $0.faults.failingMethods = [RECRUMethod.apply.rawValue, RECRUMethod.addTags.rawValue] }
        }) { harness in
            let before = try await harness.counts()
            await #expect {
                _ = try await harness.client.unary(AtsWriteService.createApplication, harness.request())
            } throws: { self.code($0) == "UNAVAILABLE REMOTE.SERVICE_UNAVAILABLE" }
            #expect(try await harness.counts() == before)
            // A tag is a write too: RECRU's failure comes back at once, not after retries that
            // would outlast the call's deadline.
            let jobseeker = harness.sandbox.snapshot.jobseekers.all.first!
            let tag = harness.sandbox.snapshot.tags.all.first { !jobseeker.tagIDs.contains($0.id) }!
            let started = ContinuousClock.now
            await #expect {
                _ = try await harness.client.unary(
                    AtsWriteService.addCandidateTag,
                    AddCandidateTagRequest(
                        candidateID: RecordID.make(
                            integrationID: harness.integrationID,
                            model: .candidate,
                            remoteID: "\(jobseeker.id)"
                        ),
                        tagName: tag.name
                    ),
                    options: CallOptions(timeout: .seconds(20))
                )
            } throws: { self.code($0) == "UNAVAILABLE REMOTE.SERVICE_UNAVAILABLE" }
            #expect(ContinuousClock.now - started < .seconds(10))
        }
        try await WriteHarness.with({ $0.http = true }) { harness in
            // Over RECRU's limit a write is refused with 429; writes are not retried blindly.
            // One request a second per token, set once the harness is up (its first sync stays
            // unthrottled). The writes go one after another, so they share a connection and its
            // token; two of their requests within a second exceed the limit even on a slow machine.
            var faults = harness.sandbox.faults
            faults.rateLimitPerSecond = 1
            harness.sandbox.setFaults(faults)
            await #expect {
                for index in 0..<8 {
                    _ = try await harness.client.unary(
                        AtsWriteService.createApplication,
                        harness.request(email: "rate\(index)@example.sk")
                    )
                }
            } throws: { self.code($0) == "RESOURCE_EXHAUSTED REMOTE.RATE_LIMIT_EXCEEDED" }
        }
    }

    @Test func syncOnlyCreatedApplicationsMirrorsWhatWasCreatedHere() async throws {
        var options = WriteHarness.Options()
        options.settings = IntegrationSettings(syncOnlyCreatedApplications: true)
        try await WriteHarness.with(options) { harness in
            #expect(try await harness.counts()[0...1] == [0, 0], "nothing created here yet")
            let response = try await harness.client.unary(AtsWriteService.createApplication, harness.request())
            let run = try await harness.engine.waitUntilFinished(
                try await harness.engine.trigger(integrationID: harness.integrationID, type: .full)
            )
            #expect(run.state == .succeeded && run.deleted == 0)
            let page = try await harness.client.unary(AtsReadService.getCandidatePage, ListCandidatesRequest())
            #expect(page.items.map(\.id) == [response.application?.candidateID])
            let applications = try await harness.client.unary(
                AtsReadService.getApplicationPage,
                ListApplicationsRequest()
            )
            #expect(applications.items.map(\.id) == [response.application?.id])
        }
    }

    @Test func attachmentsAreDownloadedWithinTheLimits() async throws {
        let files = FileServer(bigSize: 5000)
        try await withRunningService(files, logger: Logger(label: "test.files")) { files, _ in
            let base = try await files.baseURL()
            let limits: (inout WriteHarness.Options) -> Void = {
                $0.write = {
                    $0.maxAttachmentBytes = 4000
                    // Generous: a full test run can starve the download for seconds.
                    $0.downloadTimeout = .seconds(15)
                    // The file server is on loopback, which downloads reach only when allowed.
                    $0.attachmentAllowList.networks = [.init(address: IPAddress("127.0.0.1")!, prefixLength: 32)]
                }
            }
            try await WriteHarness.with(limits) { harness in
                var request = harness.request()
                request.attachments = [AttachmentInput(name: "cv.pdf", type: .cv, content: .dataURL(base + "/cv.pdf"))]
                let response = try await harness.client.unary(AtsWriteService.createApplication, request)
                let jobseeker = try #require(
                    harness.sandbox.snapshot.jobseekers[Int(response.application?.candidate?.remoteID ?? "") ?? -1]
                )
                #expect(jobseeker.attachments.first?.size == files.small.count)
                #expect(jobseeker.attachments.first?.mimeType == "application/pdf", "taken from the download")

                let failures = [
                    ("/big.pdf", "INVALID_ARGUMENT PLATFORM.INPUT_INVALID", "over 4000 bytes"),
                    ("/missing.pdf", "FAILED_PRECONDITION PLATFORM.ATTACHMENT_DOWNLOAD_FAILED", "HTTP 404"),
                ]
                for (path, code, mention) in failures {
                    var failing = harness.request(email: "dl\(path.count)@example.sk")
                    failing.attachments = [AttachmentInput(name: "cv.pdf", type: .cv, content: .dataURL(base + path))]
                    await #expect {
                        _ = try await harness.client.unary(AtsWriteService.createApplication, failing)
                    } throws: { error in
                        self.code(error) == code && "\(error)".contains(mention)
                            && !"\(error)".contains(FileServer.secret)
                    }
                }
                var refused = harness.request(email: "refused@example.sk")
                refused.attachments = [
                    AttachmentInput(name: "cv.pdf", type: .cv, content: .dataURL("http://127.0.0.1:1/cv.pdf"))
                ]
                await #expect {
                    _ = try await harness.client.unary(AtsWriteService.createApplication, refused)
                } throws: {
                    // Refused connections are retried until the deadline: timed out or failed.
                    self.code($0) == "FAILED_PRECONDITION PLATFORM.ATTACHMENT_DOWNLOAD_FAILED"
                }
            }
        }
    }
}

/// A clock that always reads `now`.
private struct FixedClock: SyncClock {
    let now: Int64

    func nowMilliseconds() -> Int64 { self.now }

    func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

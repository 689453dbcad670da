import ATSBridgeProto
import ATSBridgeTestSupport
import Foundation
import Testing

@Suite struct RoundTripTests {
    @Test func typicalCandidateRoundTrips() throws {
        let candidate = SampleRecords.candidate()
        let bytes = try candidate.encode()
        #expect(try Candidate(decoding: bytes) == candidate)
    }

    /// Every initialiser builds through the same synthesized memberwise one, which also stores a
    /// marker: values built by the public initialiser, by decoding and by reading JSON must still
    /// be equal and hash alike exactly when their fields are.
    @Test func valuesBuiltEveryWayCompareAndHashByTheirFieldsAlone() throws {
        var built = SampleRecords.candidate()
        // Reading JSON writes `remote_data` back in its own key order: keep one key.
        built.remoteData = Array(#"{"id":10000}"#.utf8)
        let decoded = try Candidate(decoding: try built.encode())
        let read = try Candidate(json: try JSONDecoder().decode(ProtoJSONValue.self, from: Data(built.jsonBytes())))
        #expect(decoded == built)
        #expect(read == built)
        #expect(Set([built, decoded, read]).count == 1)

        var changed = decoded
        changed.applications[0].currentStage?.name = "Offer"
        #expect(changed != built)
        #expect(Set([built, changed]).count == 2)
        #expect(Candidate() == Candidate(id: ""))
        #expect(Candidate() != Candidate(id: "x"))
    }

    @Test func jobWithStagesAndHiringTeamRoundTrips() throws {
        let job = SampleRecords.job()
        #expect(try Job(decoding: try job.encode()) == job)
    }

    @Test func pageOfHundredRoundTripsWithCursor() throws {
        let page = CandidatePage(items: (0..<100).map(SampleRecords.candidate(index:)), nextCursor: "c1.abc")
        let decoded = try CandidatePage(decoding: try page.encode())
        #expect(decoded == page)
        #expect(decoded.items.count == 100)
    }

    @Test func absentStaysAbsentAndEmptyStaysEmpty() throws {
        let sparse = Candidate(id: "x", firstName: "", location: Location(), remoteData: [])
        let decoded = try Candidate(decoding: try sparse.encode())
        #expect(decoded.firstName == "")
        #expect(decoded.lastName == nil)
        #expect(decoded.location == Location())
        #expect(decoded.remoteData == [])
        #expect(decoded.changedAt == nil)
        #expect(decoded.company == nil)

        let absent = try Candidate(decoding: try Candidate(id: "x").encode())
        #expect(absent.location == nil)
        #expect(absent.remoteData == nil)
    }

    @Test func zeroAndFalseArePresentWhenSet() throws {
        let request = PageRequest(pageSize: 0, updatedAfter: 0, includeDeleted: false)
        let decoded = try PageRequest(decoding: try request.encode())
        #expect(decoded.pageSize == 0)
        #expect(decoded.updatedAfter == 0)
        #expect(decoded.includeDeleted == false)
        #expect(try PageRequest(decoding: try PageRequest().encode()).includeDeleted == nil)
    }

    @Test func oneofKeepsWhichCaseIsSet() throws {
        let data = AttachmentInput(
            name: "cv.pdf",
            type: .cv,
            contentType: "application/pdf",
            content: .data([0, 1, 2, 255])
        )
        #expect(try AttachmentInput(decoding: try data.encode()) == data)
        let url = AttachmentInput(name: "cv.pdf", type: .cv, content: .dataURL("https://example.com/cv.pdf"))
        #expect(try AttachmentInput(decoding: try url.encode()) == url)
        let neither = AttachmentInput(name: "x")
        #expect(try AttachmentInput(decoding: try neither.encode()).content == nil)
    }

    @Test func repeatedEnumsAndStringsRoundTrip() throws {
        let request = ListJobsRequest(
            page: PageRequest(pageSize: 5, ids: ["a", "b"], remoteIDs: ["1"]),
            statuses: [.open, .draft],
            employmentTypes: [.internship],
            visibilities: [.public, .confidential],
            nameContains: "Engineer"
        )
        #expect(try ListJobsRequest(decoding: try request.encode()) == request)
    }

    @Test func unknownEnumValueIsKeptAsUnrecognized() throws {
        // Job field 7 (employment_type) = 99: a value this build does not know.
        let bytes: [UInt8] = [0x0A, 0x01, 0x6A, 0x38, 0x63]
        let job = try Job(decoding: bytes)
        #expect(job.employmentType == .unrecognized(99))
        #expect(job.employmentType?.name == nil)
        #expect(try Job(decoding: try job.encode()) == job)
    }

    @Test func enumNamesFollowTheUnifiedAPI() {
        #expect(EmploymentType.fullTime.name == "FULL_TIME")
        #expect(JobStatus(name: "ARCHIVED") == .archived)
        #expect(ApplicationOutcome(rawValue: 3) == .declined)
        #expect(StatusCode.internal.rawValue == 13)
        #expect(Visibility(name: "NOPE") == nil)
    }

    @Test func encodeAppendsToAnExistingBuffer() throws {
        var buffer: [UInt8] = [1, 2, 3]
        let tag = TagSummary(id: "t", name: "Swift")
        try tag.encode(appendingTo: &buffer)
        #expect(Array(buffer.prefix(3)) == [1, 2, 3])
        #expect(Array(buffer.dropFirst(3)) == (try tag.encode()))
    }

    @Test func servicesNameEveryMethodWithItsShape() {
        #expect(AtsReadService.listCandidates.fullName == "/atsbridge.v1.AtsRead/ListCandidates")
        #expect(AtsReadService.listCandidates.kind == .serverStreaming)
        #expect(AtsReadService.getCandidate.kind == .unary)
        #expect(AtsReadService.methods.count == 27)
        #expect(AtsWriteService.methods.map(\.method) == ["CreateApplication", "CreateCandidate", "AddCandidateTag"])
        #expect(HealthService.ping.fullName == "/atsbridge.v1.Health/Ping")
    }
}

import ATSBridgeProto
import ATSBridgeTestSupport
import Foundation
import Testing

/// JSON read into messages (`atsbridge call`): the inverse of the JSON output, and clear errors
/// for JSON that does not fit the schema.
@Suite struct JSONInputTests {
    private func parse(_ text: String) throws -> ProtoJSONValue {
        try JSONDecoder().decode(ProtoJSONValue.self, from: Data(text.utf8))
    }

    private func parse(_ bytes: [UInt8]) throws -> ProtoJSONValue {
        try JSONDecoder().decode(ProtoJSONValue.self, from: Data(bytes))
    }

    @Test func messagesReadBackWhatTheyWrite() throws {
        for index in 0..<20 {
            var candidate = SampleRecords.candidate(index: index)
            candidate.changedAt = 1_732_000_000_123 + Int64(index)
            candidate.remoteData = Array(#"{"a":[1,2.5,"x",null,true],"b":{"c":"Ján"}}"#.utf8)
            let back = try Candidate(json: try self.parse(candidate.jsonBytes()))
            #expect(back == candidate)
        }
        let job = SampleRecords.job()
        #expect(try Job(json: try self.parse(job.jsonBytes())) == job)
        let unknownEnum = Job(id: "j", status: .unrecognized(42))
        #expect(try Job(json: try self.parse(unknownEnum.jsonBytes())) == unknownEnum)
    }

    @Test func aRequestReadsFromTheDocumentedShape() throws {
        let request = try ListCandidatesRequest(
            json: try self.parse(
                #"{"page":{"page_size":2,"updated_after":"2026-11-29T12:00:00.5Z","ids":["a","b"]},"email":"x@y.sk"}"#
            )
        )
        #expect(request.page?.pageSize == 2)
        #expect(request.page?.updatedAfter == 1_795_953_600_500)
        #expect(request.page?.ids == ["a", "b"])
        #expect(request.email == "x@y.sk")
        #expect(request.firstName == nil)
        let milliseconds = try PageRequest(json: try self.parse(#"{"updated_after":1795953600500}"#))
        #expect(milliseconds.updatedAfter == 1_795_953_600_500)
        let oneof = try AttachmentInput(json: try self.parse(#"{"name":"cv.pdf","data":"SGVsbG8="}"#))
        #expect(oneof.content == .data(Array("Hello".utf8)))
    }

    @Test(arguments: [
        (#"[]"#, "expected an object"),
        (#"{"pagesize":2}"#, "unknown field 'pagesize'"),
        (#"{"page":{"page_size":"two"}}"#, "field 'page.page_size'"),
        (#"{"page":{"page_size":-1}}"#, "out of range"),
        (#"{"page":{"page_size":5000000000}}"#, "out of range"),
        (#"{"email":7}"#, "expected a string"),
        (#"{"email":"a\u0000b"}"#, "NUL"),
        (#"{"job_ids":"j"}"#, "expected an array"),
        (#"{"page":{"updated_after":"yesterday"}}"#, "ISO-8601"),
        (#"{"page":{"include_deleted":1}}"#, "true or false"),
    ])
    func badRequestsAreTypedErrors(json: String, fragment: String) throws {
        let value = try self.parse(json)
        do {
            _ = try ListCandidatesRequest(json: value)
            Issue.record("accepted \(json)")
        } catch let error as ProtoCodecError {
            #expect(error.code == .invalidJSON)
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test func enumsAndOneofsAreChecked() throws {
        #expect(throws: ProtoCodecError.self) { try Job(json: try self.parse(#"{"id":"j","status":"OPENED"}"#)) }
        #expect(try Job(json: try self.parse(#"{"id":"j","status":"CLOSED"}"#)).status == .closed)
        #expect(throws: ProtoCodecError.self) {
            try AttachmentInput(json: try self.parse(#"{"data":"SGk=","data_url":"https://x.sk/cv.pdf"}"#))
        }
        #expect(throws: ProtoCodecError.self) { try AttachmentInput(json: try self.parse(#"{"data":"not base64!"}"#)) }
    }

    @Test(arguments: [
        ("2026-11-29", 1_795_910_400_000),
        ("2026-11-29T12:29:55Z", 1_795_955_395_000),
        ("2026-11-29T12:29:55.197Z", 1_795_955_395_197),
        ("2026-11-29T12:29:55.1Z", 1_795_955_395_100),
        ("2026-11-29T12:29:55.123456789Z", 1_795_955_395_123),
        ("2026-11-29T13:29:55+01:00", 1_795_955_395_000),
        ("2026-11-29T07:29:55-0500", 1_795_955_395_000),
        ("2026-11-29 12:29:55", 1_795_955_395_000),
        ("2026-11-29T12:29", 1_795_955_340_000),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000),
    ])
    func isoTimesParse(text: String, milliseconds: Int64) {
        #expect(ISOTimestamp.parse(text) == milliseconds)
    }

    @Test(arguments: [
        "", "2026-11", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-29T24:00:00Z", "2026-11-29T12:29:55.Z",
        "2026-11-29T12:29:55ZZ", "2026-11-29T12:29:55+25:00", "29.11.2026", "2026-11-29T12:29:55 UTC",
    ])
    func badTimesAreRejected(text: String) {
        #expect(ISOTimestamp.parse(text) == nil)
    }

    @Test func everyMethodIsInTheCatalogueOnce() {
        let names = ServiceCatalog.methods.map(\.fullName)
        #expect(Set(names).count == names.count)
        let services: [[any MethodDescribing]] = [
            AtsReadService.methods, AtsWriteService.methods, AdminService.methods, ChangesService.methods,
            HealthService.methods,
        ]
        #expect(Set(names) == Set(services.flatMap { $0 }.map(\.fullName)))
        #expect(names.contains("/atsbridge.v1.AtsRead/ListCandidates"))
    }
}

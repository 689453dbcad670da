import ATSBridgeProto
import ATSBridgeTestSupport
import Foundation
import Testing

/// The JSON the CLI prints and exports: the unified API's names, times and enums.
@Suite struct JSONOutputTests {
    @Test func aCandidateIsWrittenInTheUnifiedShape() throws {
        var candidate = SampleRecords.candidate()
        candidate.changedAt = 1_732_000_000_123
        candidate.remoteData = Array(#"{"id":7,"name":"Ján"}"#.utf8)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(candidate.jsonBytes())) as? [String: Any]
        )
        #expect(object["id"] as? String == candidate.id)
        #expect(object["first_name"] as? String == candidate.firstName)
        #expect(object["changed_at"] as? String == "2024-11-19T07:06:40.123Z")
        #expect(object["remote_deleted_at"] is NSNull)
        #expect((object["remote_data"] as? [String: Any])?["name"] as? String == "Ján")
        let emails = try #require(object["email_addresses"] as? [[String: Any]])
        #expect(emails.count == candidate.emailAddresses.count)
        #expect(emails.first?["email_address"] as? String == candidate.emailAddresses.first?.emailAddress)
        #expect((object["applications"] as? [Any])?.count == candidate.applications.count)
    }

    @Test func enumsUseUnifiedNamesAndUnknownValuesTheirNumber() throws {
        let job = Job(id: "j", status: .open, visibility: .unrecognized(42), remoteData: Array("not json".utf8))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(job.jsonBytes())) as? [String: Any])
        #expect(object["status"] as? String == "OPEN")
        #expect(object["visibility"] as? Int == 42)
        #expect(object["remote_data"] is NSNull, "bytes that are not JSON never break the output")
        let early = Job(id: "k", openedAt: -1)
        let text = String(decoding: early.jsonBytes(), as: UTF8.self)
        #expect(text.contains(#""opened_at":"1969-12-31T23:59:59.999Z""#))
    }
}

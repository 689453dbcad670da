import ATSBridgeProto
import ATSBridgeTestSupport
import Foundation
import Testing

/// Proves other languages read what ATSBridge writes, and the reverse, using Google's protoc.
@Suite struct InteropTests {
    @Test func protocDecodesOurCandidateWithEveryFieldKnown() async throws {
        let candidate = SampleRecords.candidate()
        let text = try await ProtocInterop.decode("atsbridge.v1.Candidate", try candidate.encode())
        // protoc prints fields it does not know by number; there must be none.
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(!lines.contains { $0.first?.isNumber == true })
        for expected in [
            #"id: "7vQ3nFkq9XaB2mYc4LdE8rT0""#, #"remote_id: "js-10000""#, "changed_at: 1732000000000",
            #"title: "Senior Backend Engineer""#, #"source: "LinkedIn""#, #"phone_number: "+421 905 123 456""#,
            #"email_address: "j.stastny@dvorak-sohne.cz""#, #"city: "Bratislava""#, #"zip_code: "811 01""#,
            "outcome: APPLICATION_OUTCOME_DECLINED", "index: 4", #"name: "Top talent""#,
        ] {
            #expect(lines.contains(expected), "protoc output lacks \(expected)")
        }
        #expect(lines.filter { $0 == "applications {" }.count == 2)
        #expect(lines.filter { $0 == "tags {" }.count == 3)
        // And protoc's own re-encoding of its reading decodes back to the same value.
        let reencoded = try await ProtocInterop.encode("atsbridge.v1.Candidate", text)
        #expect(try Candidate(decoding: reencoded) == candidate)
    }

    @Test func protocDecodesOurJobWithEnumsAndDoubles() async throws {
        let job = SampleRecords.job()
        let text = try await ProtocInterop.decode("atsbridge.v1.Job", try job.encode())
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(!lines.contains { $0.first?.isNumber == true })
        for expected in [
            "employment_type: EMPLOYMENT_TYPE_FULL_TIME", "status: JOB_STATUS_CLOSED",
            #"visibility_raw: "partner-portal""#, "salary_amount: 55000.5", "remote_deleted_at: 1733000000000",
            "unified_type: HIRING_TEAM_ROLE_HIRING_MANAGER", #"remote_label: "Hiring manager""#,
        ] {
            #expect(lines.contains(expected), "protoc output lacks \(expected)")
        }
        #expect(!lines.contains { $0.hasPrefix("visibility:") })
        let reencoded = try await ProtocInterop.encode("atsbridge.v1.Job", text)
        #expect(try Job(decoding: reencoded) == job)
    }

    @Test func weDecodeACandidateThatProtocEncoded() async throws {
        let text = #"""
            id: "Cz9Xy8Wv7Ut6Sr5Qp4On3Ml2"
            remote_id: "js-77"
            changed_at: 1700000000123
            first_name: "Ond\305\231ej"
            last_name: "K\303\266nig"
            phone_numbers { phone_number: "+420 777 000 111" type: "HOME" }
            email_addresses { email_address: "ondrej@example.cz" }
            email_addresses { email_address: "ok@example.de" type: "WORK" }
            location { city: "Brno" country: "CZ" }
            remote_data: "{\"id\":77}"
            applications {
              id: "Ap1Ap2Ap3Ap4Ap5Ap6Ap7Ap8"
              outcome: APPLICATION_OUTCOME_HIRED
              current_stage { id: "St1St2St3St4St5St6St7St8" name: "Nab\303\255dka" index: 3 }
              job { id: "Jo1Jo2Jo3Jo4Jo5Jo6Jo7Jo8" remote_id: "pr-1" name: "Tester" }
            }
            tags { id: "Tg1Tg2Tg3Tg4Tg5Tg6Tg7Tg8" name: "VIP" }
            """#
        let bytes = try await ProtocInterop.encode("atsbridge.v1.Candidate", text)
        let expected = Candidate(
            id: "Cz9Xy8Wv7Ut6Sr5Qp4On3Ml2",
            remoteID: "js-77",
            changedAt: 1_700_000_000_123,
            firstName: "Ondřej",
            lastName: "König",
            phoneNumbers: [PhoneNumber(phoneNumber: "+420 777 000 111", type: "HOME")],
            emailAddresses: [
                EmailAddress(emailAddress: "ondrej@example.cz"),
                EmailAddress(emailAddress: "ok@example.de", type: "WORK"),
            ],
            location: Location(city: "Brno", country: "CZ"),
            remoteData: Array(#"{"id":77}"#.utf8),
            applications: [
                CandidateApplication(
                    id: "Ap1Ap2Ap3Ap4Ap5Ap6Ap7Ap8",
                    outcome: .hired,
                    currentStage: StageSummary(id: "St1St2St3St4St5St6St7St8", name: "Nabídka", index: 3),
                    job: JobSummary(id: "Jo1Jo2Jo3Jo4Jo5Jo6Jo7Jo8", remoteID: "pr-1", name: "Tester")
                )
            ],
            tags: [TagSummary(id: "Tg1Tg2Tg3Tg4Tg5Tg6Tg7Tg8", name: "VIP")]
        )
        #expect(try Candidate(decoding: bytes) == expected)
    }

    @Test func weDecodeAJobThatProtocEncoded() async throws {
        let text = #"""
            id: "Jb1Jb2Jb3Jb4Jb5Jb6Jb7Jb8"
            name: "Skladn\303\255k"
            employment_type: EMPLOYMENT_TYPE_SEASONAL
            status: JOB_STATUS_OPEN
            visibility: VISIBILITY_UNLISTED
            salary_amount: 1234.25
            opened_at: 1690000000000
            stages { id: "Sg1Sg2Sg3Sg4Sg5Sg6Sg7Sg8" name: "Nov\303\275" index: 0 }
            hiring_team { id: "Us1Us2Us3Us4Us5Us6Us7Us8" roles { unified_type: HIRING_TEAM_ROLE_RECRUITER } }
            """#
        let bytes = try await ProtocInterop.encode("atsbridge.v1.Job", text)
        let job = try Job(decoding: bytes)
        #expect(job.name == "Skladník")
        #expect(job.employmentType == .seasonal)
        #expect(job.status == .open)
        #expect(job.visibility == .unlisted)
        #expect(job.salaryAmount == 1234.25)
        #expect(job.openedAt == 1_690_000_000_000)
        #expect(job.stages == [JobStage(id: "Sg1Sg2Sg3Sg4Sg5Sg6Sg7Sg8", name: "Nový", index: 0)])
        #expect(job.hiringTeam.first?.roles == [JobRole(unifiedType: .recruiter)])
        #expect(job.description == nil)
    }
}

import ATSBridgeCore
import ATSBridgeProto
import Foundation
import Testing

@testable import ATSBridgeRECRU

@Suite struct RECRUMapperTests {
    let mapper = RECRUMapper(integrationID: "int-1")

    @Test func projectMapsToJobWithOpenEnumsAndRawData() throws {
        let json: [String: Any] = [
            "id": 44, "name": "Skladník – Senec", "description": "<p>Hi</p>", "status": "closed", "is_public": false,
            "employment_type": "temporary", "department": "Logistika", "seniority": "medior", "salary_from": 1300,
            "salary_to": 1900, "opened_at": "2026-01-02T03:04:05Z", "closed_at": "2026-02-01 10:00:00",
            "updated_at": "2026-02-02T00:00:00Z",
            "stages": [["id": 1001, "name": "Nový", "position": 0], ["id": 1002, "name": "Pohovor", "position": 1]],
            "users": [["user_id": 7, "role": "hiring_manager"], ["user_id": 8, "role": "observer"]],
        ]
        let job = try self.mapper.job(json)
        #expect(job.id == RecordID.make(integrationID: "int-1", model: .job, remoteID: "44"))
        #expect(job.remoteID == "44")
        #expect(job.status == .closed && job.statusRaw == nil)
        #expect(job.employmentType == nil && job.employmentTypeRaw == "temporary")
        #expect(job.visibility == .internal)
        #expect(job.experienceLevel == "medior")
        #expect(job.salaryAmount == 1300)
        #expect(job.openedAt == ISODates.parse("2026-01-02T03:04:05Z"))
        #expect(job.closedAt == ISODates.parse("2026-02-01T10:00:00Z"))
        let raw = try JSONSerialization.jsonObject(with: Data(try #require(job.remoteData))) as? [String: Any]
        #expect(raw?["name"] as? String == "Skladník – Senec")

        let (stages, joins) = try self.mapper.stages(ofProject: json)
        #expect(stages.map(\.name) == ["Nový", "Pohovor"])
        #expect(joins.map(\.index) == [0, 1])
        #expect(joins.allSatisfy { $0.jobID == job.id })
        let team = try self.mapper.hiringTeam(ofProject: json)
        #expect(team.map { $0.roles.first?.unifiedType } == [.hiringManager, nil])
        #expect(team.last?.roles.first?.remoteLabel == "observer")
    }

    @Test func jobseekerMapsToCandidateDroppingInvalidEmails() throws {
        let json: [String: Any] = [
            "id": 5, "first_name": "Ján", "last_name": "Šťastný", "email": "jan@example.sk", "phone": "+421 900 1",
            "emails": [["email": "jan@example.sk", "type": "private"], ["email": "not..valid@x", "type": "work"]],
            "phones": [["phone": "+421 900 1", "type": "mobile"]], "current_company": "Kofola",
            "current_position": "Tester",
            "city": "Brno", "country": "CZ", "source": ["id": 2, "name": "Profesia.sk"],
            "tags": [["id": 1, "name": "VIP"], ["id": 3, "name": "Swift"]],
        ]
        let (candidate, tags) = try self.mapper.candidate(json)
        // Types are the unified API's enums, with RECRU's own value beside them.
        #expect(
            candidate.emailAddresses == [
                EmailAddress(emailAddress: "jan@example.sk", type: "PERSONAL", typeRaw: "private")
            ]
        )
        #expect(candidate.phoneNumbers == [PhoneNumber(phoneNumber: "+421 900 1", type: "PERSONAL", typeRaw: "mobile")])
        #expect(candidate.company == "Kofola" && candidate.title == "Tester" && candidate.source == "Profesia.sk")
        #expect(candidate.location == Location(city: "Brno", country: "CZ"))
        #expect(tags.map(\.tagID) == [self.mapper.id(.tag, "1"), self.mapper.id(.tag, "3")])
        #expect(tags.allSatisfy { $0.candidateID == candidate.id })
        // Fields RECRU lacks stay absent.
        #expect(candidate.changedAt == nil && candidate.applications.isEmpty)

        let noEmail = try self.mapper.candidate(["id": 6, "first_name": "A", "email": NSNull()]).candidate
        #expect(noEmail.emailAddresses.isEmpty && noEmail.location == nil)
        #expect(throws: ATSBridgeError.self) { _ = try self.mapper.candidate(["first_name": "No id"]) }
    }

    @Test func applicationStatusMapsToOutcome() throws {
        for (status, outcome) in [("active", ApplicationOutcome.pending), ("hired", .hired), ("rejected", .declined)] {
            let application = try self.mapper.application([
                "id": 9, "project_id": 44, "jobseeker_id": 5, "stage_id": 1002, "status": status,
            ])
            #expect(application.outcome == outcome && application.outcomeRaw == nil)
            #expect(application.jobID == self.mapper.id(.job, "44"))
            #expect(application.candidateID == self.mapper.id(.candidate, "5"))
            #expect(application.currentStageID == self.mapper.id(.applicationStage, "1002"))
        }
        let odd = try self.mapper.application(["id": 10, "status": "on_hold"])
        #expect(odd.outcome == nil && odd.outcomeRaw == "on_hold")
    }

    @Test func usersKeepOnlyValidEmails() throws {
        #expect(try self.mapper.user(["id": 1, "email": "zuzana@acme.sk"]).email == "zuzana@acme.sk")
        #expect(try self.mapper.user(["id": 2, "email": "nope"]).email == nil)
        #expect(try self.mapper.tag(["id": 3, "name": "VIP"]).name == "VIP")
    }
}

/// The JSON writer behind `remote_data` and the sandbox's answers.
@Suite struct JSONWriterTests {
    @Test func parsedJSONIsWrittenCanonicallyWithNumbersAndBooleansKept() throws {
        let text = #"{"b":true,"a":1,"c":1.5,"d":null,"e":"x\"y\n","f":[0,false,2],"g":{"z":1,"y":0},"h":-7}"#
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let written = String(decoding: JSONWriter.write(parsed, sortedKeys: true), as: UTF8.self)
        #expect(written == #"{"a":1,"b":true,"c":1.5,"d":null,"e":"x\"y\n","f":[0,false,2],"g":{"y":0,"z":1},"h":-7}"#)
        let swiftValues: [String: Any] = ["n": 3, "t": true, "x": 2.5, "s": "ž", "l": [Int64(4)]]
        #expect(
            String(decoding: JSONWriter.write(swiftValues, sortedKeys: true), as: UTF8.self)
                == #"{"l":[4],"n":3,"s":"ž","t":true,"x":2.5}"#
        )
        let reparsed = try JSONSerialization.jsonObject(with: Data(JSONWriter.write(parsed)))
        #expect(JSONWriter.write(reparsed, sortedKeys: true) == JSONWriter.write(parsed, sortedKeys: true))
    }
}

/// The hand-written email rule gives the regular expression's answers.
@Suite struct EmailRuleTests {
    @Test func theRuleMatchesItsRegularExpression() {
        let samples = [
            "jana@example.sk", "Ján.Novák@example.sk", "a+b@sub.example.co", "o'neil@example.ie", "x@example.c",
            ".lead@example.sk", "double..dot@example.sk", "end.@example.sk", "no-at.example.sk", "two@@example.sk",
            "a@b@example.sk", "user@Example.sk", "user@example.SK", "user@-example.sk", "user@exa_mple.sk",
            "user@example", "user@.example.sk", "user@example..sk", "user@example.s1", "über@example.de",
            "日本@example.jp", "user_name@example.sk", "user-@example.sk", "'@example.sk", "a'@example.sk",
            "@example.sk", "user@", "", "user@ex-ample.sk", "user@1example.sk", "us er@example.sk",
            "user@example.sk.", "user\n@example.sk", "user@exam ple.sk", "a.b.c@x-y.z.example.sk",
        ]
        var random = SplitMix64(seed: 9)
        let alphabet = Array("aZ9._-+'@.éá日 \u{0301}".unicodeScalars)
        var fuzz: [String] = []
        for _ in 0..<3000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 3...14, using: &random) {
                scalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &random)])
            }
            fuzz.append(String(scalars) + ["@example.sk", ".sk", "@a.bc", ""][Int.random(in: 0..<4, using: &random)])
        }
        for email in samples + fuzz {
            let expected = email.range(of: EmailRule.pattern, options: .regularExpression) != nil
            #expect(EmailRule.isValid(email) == expected, "\(email.debugDescription)")
        }
    }
}

/// RECRU's error texts reach callers and logs without the values they may echo.
@Suite struct RemoteFailureTests {
    @Test func recruMessagesAreScrubbedOfValues() {
        let cases = [
            ("Invalid email jana.novak@example.sk for jobseeker", "Invalid email <redacted> for jobseeker"),
            ("Name 'Ján Novák' is too long", "Name <redacted> is too long"),
            ("Phone +421900123456 rejected", "Phone <redacted> rejected"),
            ("Project not found", "Project not found"),
            ("is not a stage of the project", "is not a stage of the project"),
        ]
        for (message, expected) in cases {
            let failure = RemoteFailure(rpcError: ["code": -32602, "message": message])
            #expect("\(failure.mapped)".hasSuffix(expected), "\(failure.mapped)")
        }
    }
}

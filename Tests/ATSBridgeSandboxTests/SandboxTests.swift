import ATSBridgeCore
import ATSBridgeRECRU
import Foundation
import Synchronization
import Testing

@testable import ATSBridgeSandbox

/// A sandbox driven in-process, with a controllable clock.
final class SandboxHarness: Sendable {
    /// The injected clock, in ms since epoch.
    final class Clock: Sendable {
        let value = Mutex<Int64>(1_800_000_000_000)
    }

    let clock = Clock()
    let sandbox: RECRUSandbox

    init(configure: (inout SandboxConfiguration) -> Void = { _ in }, seed: UInt64 = 7, size: SandboxSize = .small) {
        var configuration = SandboxConfiguration()
        configuration.adminSecret = "admin-secret"
        configure(&configuration)
        let clock = self.clock
        self.sandbox = RECRUSandbox(
            configuration: configuration,
            seed: seed,
            size: size,
            clock: { clock.value.withLock { $0 } }
        )
    }

    var now: Int64 { self.clock.value.withLock { $0 } }

    func advance(_ milliseconds: Int64) { self.clock.value.withLock { $0 += milliseconds } }

    /// Sends one request object; returns the decoded response object.
    func call(_ method: String, _ params: [String: Any] = [:], token: String? = nil, admin: String? = nil) -> [String:
        Any]
    {
        let body = try! JSONSerialization.data(withJSONObject: [
            "jsonrpc": "2.0", "method": method, "params": params, "id": 1,
        ])
        let response = self.sandbox.handle(
            body: [UInt8](body),
            authorization: token.map { "Bearer \($0)" },
            adminSecret: admin
        )
        return (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    func login() -> String {
        let result = self.call("AuthService.login", ["login": "api@acme.example", "password": "sandbox"])["result"]
        return (result as! [String: Any])["token"] as! String
    }
}

func errorCode(_ response: [String: Any]) -> Int? { (response["error"] as? [String: Any])?["code"] as? Int }
func errorField(_ response: [String: Any]) -> String? {
    ((response["error"] as? [String: Any])?["data"] as? [String: Any])?["field"] as? String
}
func result(_ response: [String: Any]) -> [String: Any] { response["result"] as? [String: Any] ?? [:] }

@Suite struct SandboxProtocolTests {
    @Test func malformedJSONIsParseError() {
        let harness = SandboxHarness()
        let response = harness.sandbox.handle(body: Array("{not json".utf8), authorization: nil)
        let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(object.map(errorCode) == -32700)
        #expect(object?["id"] is NSNull)
    }

    @Test func unknownMethodAndInvalidRequest() {
        let harness = SandboxHarness()
        let token = harness.login()
        #expect(errorCode(harness.call("NoSuchService.nope", token: token)) == -32601)
        let bad = harness.sandbox.handle(
            body: Array(#"{"method":"SystemService.ping","id":3}"#.utf8),
            authorization: nil
        )
        let object = try? JSONSerialization.jsonObject(with: Data(bad.body)) as? [String: Any]
        #expect(object.map(errorCode) == -32600)
    }

    @Test func everyMethodOfTheCatalogueIsServedAsDeclared() {
        let harness = SandboxHarness()
        let token = harness.login()
        // Logout last: it ends the token.
        for method in RECRUMethod.allCases.filter({ $0 != .logout }) + [.logout] {
            let answer = harness.call(method.rawValue, token: token)
            #expect(errorCode(answer) != -32601, "\(method.rawValue)")
            #expect((result(answer)["items"] != nil) == method.isPaged, "\(method.rawValue)")
            // Called without parameters: refused exactly when the catalogue requires some.
            #expect(
                (errorCode(answer) == -32602) == method.parameters.contains(where: \.required),
                "\(method.rawValue)"
            )
            let anonymous = harness.call(method.rawValue)
            #expect((errorCode(anonymous) == -32001) == method.needsToken, "\(method.rawValue)")
        }
    }

    @Test func invalidOrMissingParamsNameTheField() {
        let harness = SandboxHarness()
        let token = harness.login()
        let noProject = harness.call("JobseekerService.apply", ["jobseeker_id": 1], token: token)
        #expect(errorCode(noProject) == -32602)
        #expect(errorField(noProject) == "project_id")
        let badLimit = harness.call("JobseekerService.getList", ["limit": 500], token: token)
        #expect(errorField(badLimit) == "limit")
        let wrongType = harness.call("JobseekerService.get", ["id": "seven"], token: token)
        #expect(errorField(wrongType) == "id")
        let missingName = harness.call(
            "JobseekerService.apply",
            ["project_id": 1, "jobseeker": ["last_name": "X"]],
            token: token
        )
        #expect(errorField(missingName) == "jobseeker.first_name")
    }

    @Test func badAndExpiredTokens() {
        let harness = SandboxHarness(configure: { $0.tokenLifetime = .seconds(60) })
        #expect(errorCode(harness.call("UserService.getList")) == -32001)
        #expect(errorCode(harness.call("UserService.getList", token: "forged")) == -32001)
        #expect(
            errorCode(harness.call("AuthService.login", ["login": "api@acme.example", "password": "wrong"])) == -32001
        )
        let token = harness.login()
        #expect(result(harness.call("UserService.getList", token: token))["total"] as? Int == 8)
        harness.advance(61_000)
        let expired = harness.call("UserService.getList", token: token)
        #expect(errorCode(expired) == -32001)
        #expect((expired["error"] as? [String: Any])?["message"] as? String == "Token expired")
        // Logging in again works; logout invalidates.
        let fresh = harness.login()
        #expect(harness.call("AuthService.logout", token: fresh)["result"] as? Bool == true)
        #expect(errorCode(harness.call("UserService.getList", token: fresh)) == -32001)
    }

    @Test func batchRequestsAnswerEachCallAndSkipNotifications() throws {
        let harness = SandboxHarness()
        let token = harness.login()
        let body = #"""
            [{"jsonrpc":"2.0","method":"SystemService.ping","id":"a"},
             {"jsonrpc":"2.0","method":"Nope","id":"b"},
             {"jsonrpc":"2.0","method":"SystemService.ping"},
             {"jsonrpc":"2.0","method":"TagService.getList","id":"c"}]
            """#
        let response = harness.sandbox.handle(body: Array(body.utf8), authorization: "Bearer \(token)")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]])
        #expect(array.count == 3)
        #expect(array[0]["result"] as? String == "pong")
        #expect(errorCode(array[1]) == -32601)
        #expect((array[2]["result"] as? [Any])?.count == 12)
        let empty = harness.sandbox.handle(body: Array("[]".utf8), authorization: nil)
        #expect((try JSONSerialization.jsonObject(with: Data(empty.body)) as? [String: Any]).map(errorCode) == -32600)
    }
}

@Suite struct SandboxDataTests {
    @Test func sameSeedSameDataOtherSeedOtherData() {
        let a = SandboxHarness(seed: 42).sandbox.snapshot
        let b = SandboxHarness(seed: 42).sandbox.snapshot
        let c = SandboxHarness(seed: 43).sandbox.snapshot
        #expect(a.jobseekers.all == b.jobseekers.all)
        #expect(a.applications.all == b.applications.all)
        #expect(a.jobseekers.all != c.jobseekers.all)
    }

    @Test func edgeCasesArePresent() {
        let state = SandboxHarness().sandbox.snapshot
        #expect(state.jobseekers.all.contains { $0.email == nil })
        #expect(state.jobseekers.all.contains { $0.workEmail != nil })
        let emails = state.jobseekers.all.compactMap(\.email)
        #expect(Set(emails).count < emails.count, "two jobseekers share an email")
        let projectsPerJobseeker = Dictionary(grouping: state.applications.all, by: \.jobseekerID).mapValues(\.count)
        #expect(projectsPerJobseeker.values.contains { $0 >= 2 })
        let used = Set(state.jobseekers.all.flatMap(\.tagIDs))
        #expect(state.tags.all.contains { !used.contains($0.id) })
        #expect(state.projects.all.contains { $0.status == "closed" && $0.closeReasonID != nil })
        #expect(state.projects.all.allSatisfy { $0.stages.count >= 3 && $0.description.contains("<p>") })
        let names = state.jobseekers.all.map { $0.firstName + $0.lastName }.joined()
        #expect(names.contains { "ščťžýáíéúäôňďľřěůöüß".contains($0) })
    }

    @Test func listsPageInStableIDOrderWithTotals() {
        let harness = SandboxHarness()
        let token = harness.login()
        var seen: [Int] = []
        for page in 1...4 {
            let response = result(harness.call("JobseekerService.getList", ["page": page, "limit": 20], token: token))
            #expect(response["total"] as? Int == 60)
            seen += (response["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        }
        #expect(seen == Array(1...60))
        let past = result(harness.call("ApplicationService.getList", ["page": 99, "limit": 50], token: token))
        #expect((past["items"] as? [Any])?.isEmpty == true)
    }

    @Test func listsFilterByProjectJobseekerAndTagWithTheirOwnTotals() throws {
        let harness = SandboxHarness()
        let token = harness.login()
        let state = harness.sandbox.snapshot
        let project = try #require(state.applications.all.first?.projectID)
        let applicants = Set(state.applications.all.filter { $0.projectID == project }.map(\.jobseekerID))
        let listed = result(
            harness.call("JobseekerService.getList", ["project_id": project, "limit": 200], token: token)
        )
        let ids = (listed["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        #expect(Set(ids) == applicants && ids == ids.sorted())
        #expect(listed["total"] as? Int == applicants.count)

        let jobseeker = try #require(applicants.min())
        let applications = result(
            harness.call(
                "ApplicationService.getList",
                ["project_id": project, "jobseeker_id": jobseeker],
                token: token
            )
        )
        let items = applications["items"] as? [[String: Any]] ?? []
        #expect(items.count == 1 && applications["total"] as? Int == 1)
        #expect(items.first?["project_id"] as? Int == project && items.first?["jobseeker_id"] as? Int == jobseeker)

        let tagged = try #require(state.jobseekers.all.first { !$0.tagIDs.isEmpty })
        let tag = tagged.tagIDs[0]
        let withTag = result(harness.call("JobseekerService.getList", ["tag_id": tag, "limit": 200], token: token))
        let expected = state.jobseekers.all.filter { $0.tagIDs.contains(tag) }.map(\.id)
        #expect((withTag["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int } == expected)
        let bad = harness.call("ApplicationService.getList", ["project_id": "seven"], token: token)
        #expect(errorCode(bad) == -32602 && errorField(bad) == "project_id")
        // A page whose first row's offset would overflow is refused, not a crash.
        let far = harness.call("JobseekerService.getList", ["page": Int.max, "limit": 200], token: token)
        #expect(errorCode(far) == -32602 && errorField(far) == "page")
    }

    @Test func listedRecordsHaveTheDocumentedKeysInOrderAndEqualTheirSingleGet() throws {
        let harness = SandboxHarness()
        let token = harness.login()
        let body = { (method: String, params: [String: Any]) -> [UInt8] in
            let request = try! JSONSerialization.data(withJSONObject: [
                "jsonrpc": "2.0", "method": method, "params": params, "id": 1,
            ])
            return harness.sandbox.handle(body: [UInt8](request), authorization: "Bearer \(token)").body
        }
        let listed = body("JobseekerService.getList", ["page": 1, "limit": 60])
        let items = try #require(
            (try JSONSerialization.jsonObject(with: Data(listed)) as? [String: Any])
                .flatMap { $0["result"] as? [String: Any] }?["items"] as? [[String: Any]]
        )
        #expect(items.count == 60)
        // Keys in the fixed order of docs/recru-jsonrpc.md, absent values as null.
        let keys = [
            "id", "first_name", "last_name", "email", "phone", "emails", "phones", "current_company",
            "current_position", "city", "country", "source", "tags", "gdpr_consent", "gdpr_consent_until",
            "attachments",
        ]
        for item in items { #expect(Set(item.keys) == Set(keys)) }
        let single = body("JobseekerService.get", ["id": 1])
        guard case .result(let singleRange) = try JSONReader.envelope(single),
            case .result(let listRange) = try JSONReader.envelope(listed)
        else {
            Issue.record("two results")
            return
        }
        let text = String(decoding: single[singleRange], as: UTF8.self)
        var position = text.startIndex
        for key in keys {
            let found = try #require(text.range(of: "\"\(key)\":", range: position..<text.endIndex), "\(key)")
            position = found.upperBound
        }
        // The listed record is the same bytes as the single get of it.
        let first = try #require(try JSONReader.listPage(listed, listRange).items.first)
        #expect(Array(listed[first.range]) == Array(single[singleRange]))
        #expect(items.contains { $0["phone"] is NSNull || $0["city"] is NSNull })
        let applications = try #require(
            (try JSONSerialization.jsonObject(with: Data(body("ApplicationService.getList", [:])))
                as? [String: Any]).flatMap { $0["result"] as? [String: Any] }?["items"] as? [[String: Any]]
        )
        #expect(
            applications.allSatisfy {
                Set($0.keys) == ["id", "project_id", "jobseeker_id", "stage_id", "status", "rejection_reason_id"]
            }
        )
        #expect(applications.contains { $0["rejection_reason_id"] is NSNull })
    }

    @Test func aJobseekerAndAnApplicationAreWrittenExactlyInRECRUsShape() throws {
        let state = RECRUSandbox(seed: 5, size: .small).snapshot
        let source = try #require(state.sources.first)
        let tags = Array(state.tags.all.prefix(2))
        let jobseeker = SandboxJobseeker(
            id: 41,
            firstName: "Ján",
            lastName: "Nováková \"Q\"",
            email: "jan@example.sk",
            phone: nil,
            currentCompany: "Acme",
            currentPosition: nil,
            city: "Bratislava",
            country: nil,
            sourceID: source.id,
            tagIDs: tags.map(\.id),
            gdprConsent: true,
            gdprConsentUntil: 1_800_000_000_000,
            attachments: [
                SandboxAttachment(id: 9, name: "cv.pdf", mimeType: "application/pdf", type: "cv", size: 1234)
            ],
            workEmail: "jan@acme.example"
        )
        let tagsJSON = tags.map { #"{"id":\#($0.id),"name":"\#($0.name)"}"# }.joined(separator: ",")
        #expect(
            String(decoding: RECRUSandbox.json(jobseeker, state).bytes, as: UTF8.self)
                == #"{"id":41,"first_name":"Ján","last_name":"Nováková \"Q\"","email":"jan@example.sk","#
                + #""phone":null,"emails":[{"email":"jan@example.sk","type":"private"},"#
                + #"{"email":"jan@acme.example","type":"work"}],"phones":[],"current_company":"Acme","#
                + #""current_position":null,"city":"Bratislava","country":null,"#
                + #""source":{"id":\#(source.id),"name":"\#(source.name)"},"tags":[\#(tagsJSON)],"#
                + #""gdpr_consent":true,"gdpr_consent_until":"2027-01-15T08:00:00Z","#
                + #""attachments":[{"id":9,"name":"cv.pdf","mime_type":"application/pdf","type":"cv","size":1234}]}"#
        )
        let applications = [
            SandboxApplication(
                id: 7,
                projectID: 3,
                jobseekerID: 41,
                stageID: 12,
                status: "rejected",
                rejectionReasonID: 2
            ),
            SandboxApplication(
                id: 8,
                projectID: 3,
                jobseekerID: 42,
                stageID: 11,
                status: "active",
                rejectionReasonID: nil
            ),
        ]
        #expect(
            String(decoding: RECRUSandbox.list(applications) { RECRUSandbox.write($0, to: &$1) }.bytes, as: UTF8.self)
                == #"[{"id":7,"project_id":3,"jobseeker_id":41,"stage_id":12,"status":"rejected","#
                + #""rejection_reason_id":2},{"id":8,"project_id":3,"jobseeker_id":42,"stage_id":11,"#
                + #""status":"active","rejection_reason_id":null}]"#
        )
    }

    @Test func changedSinceFiltersProjectsOnly() {
        let harness = SandboxHarness()
        let token = harness.login()
        let all = result(harness.call("ProjectService.getList", ["limit": 200], token: token))["total"] as? Int
        harness.advance(1_000)
        _ = harness.call(
            "SandboxAdmin.update",
            ["entity": "project", "id": 3, "fields": ["name": "Renamed"]],
            admin: "admin-secret"
        )
        let since = ISODates.format(harness.now - 500)
        let changed = result(harness.call("ProjectService.getList", ["changed_since": since], token: token))
        #expect((changed["items"] as? [[String: Any]])?.map { $0["id"] as? Int } == [3])
        #expect(all == 12)
        #expect(
            errorField(harness.call("ProjectService.getList", ["changed_since": "yesterday"], token: token))
                == "changed_since"
        )
    }
}

@Suite struct SandboxWriteTests {
    private func attachment(_ bytes: Int, content: String? = nil) -> [String: Any] {
        [
            "name": "cv.pdf", "type": "cv", "mime_type": "application/pdf",
            "content_base64": content ?? Data(repeating: 0x25, count: bytes).base64EncodedString(),
        ]
    }

    @Test func applyCreatesJobseekerAndApplicationWithSourceAndConsent() throws {
        let harness = SandboxHarness()
        let token = harness.login()
        let response = harness.call(
            "JobseekerService.apply",
            [
                "project_id": 1,
                "jobseeker": [
                    "first_name": "Ľubomír", "last_name": "Šťastný", "email": "lubo@example.sk", "city": "Žilina",
                ],
                "attachments": [self.attachment(200_000)],
                "source": ["name": "ATSBridge Job Board"],
                "gdpr_consent": ["given": true, "expires_at": "2027-06-30"],
            ],
            token: token
        )
        let ids = result(response)
        let jobseekerID = try #require(ids["jobseeker_id"] as? Int)
        let jobseeker = result(harness.call("JobseekerService.get", ["id": jobseekerID], token: token))
        #expect(jobseeker["first_name"] as? String == "Ľubomír")
        #expect((jobseeker["source"] as? [String: Any])?["name"] as? String == "ATSBridge Job Board")
        #expect(jobseeker["gdpr_consent"] as? Bool == true)
        #expect(jobseeker["gdpr_consent_until"] as? String == "2027-06-30T00:00:00Z")
        #expect(((jobseeker["attachments"] as? [[String: Any]])?.first?["size"]) as? Int == 200_000)
        let application = harness.sandbox.snapshot.applications[ids["application_id"] as! Int]
        #expect(application?.stageID == harness.sandbox.snapshot.projects[1]?.stages.first?.id)
        // The source now exists; a second applicant reuses it by name.
        let sources = harness.call("CodebookService.getJobseekerSources", token: token)["result"] as? [[String: Any]]
        #expect(sources?.filter { $0["name"] as? String == "ATSBridge Job Board" }.count == 1)
    }

    @Test func failedAppliesWriteNothing() {
        let harness = SandboxHarness()
        let token = harness.login()
        let before = harness.sandbox.snapshot
        let unknown = harness.call("JobseekerService.apply", ["project_id": 9_999, "jobseeker_id": 5], token: token)
        #expect(errorCode(unknown) == -32004)
        let closed = harness.call("JobseekerService.apply", ["project_id": 2, "jobseeker_id": 5], token: token)
        #expect(errorCode(closed) == -32010)
        let existing = before.applications.all[0]
        let duplicate = harness.call(
            "JobseekerService.apply",
            ["project_id": existing.projectID, "jobseeker_id": existing.jobseekerID],
            token: token
        )
        #expect(errorCode(duplicate) == -32009)
        let badBase64 = harness.call(
            "JobseekerService.apply",
            [
                "project_id": 1, "jobseeker": ["first_name": "A", "last_name": "B"],
                "attachments": [self.attachment(0, content: "***not base64***")],
            ],
            token: token
        )
        #expect(errorField(badBase64) == "attachments[0].content_base64")
        let tooBig = harness.call(
            "JobseekerService.apply",
            [
                "project_id": 1, "jobseeker": ["first_name": "A", "last_name": "B"],
                "attachments": [self.attachment(10_000_001)],
            ],
            token: token
        )
        #expect(errorField(tooBig) == "attachments[0].content_base64")
        let badEmail = harness.call(
            "JobseekerService.apply",
            ["project_id": 1, "jobseeker": ["first_name": "A", "last_name": "B", "email": "not-an-email"]],
            token: token
        )
        #expect(errorField(badEmail) == "jobseeker.email")
        let after = harness.sandbox.snapshot
        #expect(after.jobseekers.all == before.jobseekers.all)
        #expect(after.applications.all == before.applications.all)
    }

    @Test func tenMegabyteAttachmentFits() {
        let harness = SandboxHarness()
        let token = harness.login()
        let response = harness.call(
            "JobseekerService.apply",
            [
                "project_id": 1, "jobseeker": ["first_name": "A", "last_name": "B"],
                "attachments": [self.attachment(10_000_000)],
            ],
            token: token
        )
        #expect(result(response)["application_id"] != nil)
    }

    @Test func addTagsTakesExistingIdsOnly() {
        let harness = SandboxHarness()
        let token = harness.login()
        let before = harness.sandbox.snapshot.jobseekers[4]?.tagIDs
        let unknown = harness.call(
            "JobseekerService.addTags",
            ["jobseeker_id": 4, "tag_ids": [1, 9_999]],
            token: token
        )
        #expect(errorCode(unknown) == -32602)
        #expect((unknown["error"] as? [String: Any])?["message"] as? String == "Tag not found: 9999")
        #expect(harness.sandbox.snapshot.jobseekers[4]?.tagIDs == before)
        #expect(
            harness.call("JobseekerService.addTags", ["jobseeker_id": 4, "tag_ids": [11, 11]], token: token)["result"]
                as? Bool == true
        )
        #expect(harness.sandbox.snapshot.jobseekers[4]?.tagIDs.contains(11) == true)
        // There is no method to create a tag.
        #expect(errorCode(harness.call("TagService.create", ["name": "New"], token: token)) == -32601)
    }

    @Test func adminMutationsNeedTheSecretAndDeletedRecordsVanish() {
        let harness = SandboxHarness()
        let token = harness.login()
        #expect(errorCode(harness.call("SandboxAdmin.delete", ["entity": "jobseeker", "id": 5])) == -32003)
        #expect(
            errorCode(harness.call("SandboxAdmin.delete", ["entity": "jobseeker", "id": 5], admin: "wrong")) == -32003
        )
        #expect(
            harness.call("SandboxAdmin.delete", ["entity": "jobseeker", "id": 5], admin: "admin-secret")["result"]
                as? Bool == true
        )
        #expect(errorCode(harness.call("JobseekerService.get", ["id": 5], token: token)) == -32004)
        let total = result(harness.call("JobseekerService.getList", token: token))["total"] as? Int
        #expect(total == 59)
        #expect(harness.sandbox.snapshot.applications.all.allSatisfy { $0.jobseekerID != 5 })
        let created = result(
            harness.call(
                "SandboxAdmin.create",
                ["entity": "tag", "fields": ["name": "Created by admin"]],
                admin: "admin-secret"
            )
        )
        #expect(created["id"] as? Int == 13)
        let application = result(
            harness.call(
                "SandboxAdmin.create",
                ["entity": "application", "fields": ["project_id": 4, "jobseeker_id": 7]],
                admin: "admin-secret"
            )
        )
        #expect(harness.sandbox.snapshot.applications[application["id"] as? Int ?? -1]?.projectID == 4)
        let user = result(
            harness.call(
                "SandboxAdmin.create",
                [
                    "entity": "user",
                    "fields": ["first_name": "Nový", "last_name": "Používateľ", "email": "novy@acme.example"],
                ],
                admin: "admin-secret"
            )
        )
        #expect(harness.sandbox.snapshot.users[user["id"] as? Int ?? -1]?.lastName == "Používateľ")
        _ = harness.call(
            "SandboxAdmin.update",
            ["entity": "jobseeker", "id": 6, "fields": ["email": "new@example.sk"]],
            admin: "admin-secret"
        )
        #expect(harness.sandbox.snapshot.jobseekers[6]?.email == "new@example.sk")
        // The Swift API does the same in-process.
        let applications = harness.sandbox.snapshot.applications.count
        try? harness.sandbox.delete("application", id: harness.sandbox.snapshot.applications.all[0].id)
        #expect(harness.sandbox.snapshot.applications.count == applications - 1)
    }
}

@Suite struct SandboxFaultTests {
    @Test func rateLimitAnswers429WithRetryAfter() {
        let harness = SandboxHarness(configure: {
            $0.faults.rateLimitPerSecond = 3; $0.faults.retryAfterSeconds = 2
        })
        let token = harness.login()
        let body = Array(#"{"jsonrpc":"2.0","method":"SystemService.ping","id":1}"#.utf8)
        let statuses = (0..<5).map { _ in harness.sandbox.handle(body: body, authorization: "Bearer \(token)") }
        #expect(statuses.map(\.status) == [200, 200, 200, 429, 429])
        #expect(statuses[3].headers.contains { $0.0 == "Retry-After" && $0.1 == "2" })
        let error = try? JSONSerialization.jsonObject(with: Data(statuses[3].body)) as? [String: Any]
        #expect(error.map(errorCode) == -32029)
        harness.advance(1_000)
        #expect(harness.sandbox.handle(body: body, authorization: "Bearer \(token)").status == 200)
    }

    @Test func serverErrorsDropsAndTruncationsAreInjected() {
        let body = Array(#"{"jsonrpc":"2.0","method":"SystemService.ping","id":1}"#.utf8)
        let errors = SandboxHarness(configure: { $0.faults.serverErrorRate = 1 })
        #expect(errors.sandbox.handle(body: body, authorization: nil).status == 503)
        let drops = SandboxHarness(configure: { $0.faults.dropConnectionRate = 1 })
        #expect(drops.sandbox.handle(body: body, authorization: nil).fault == .drop)
        let truncations = SandboxHarness(configure: { $0.faults.truncatedBodyRate = 1 })
        #expect(truncations.sandbox.shouldTruncate())
        let none = SandboxHarness()
        #expect(none.sandbox.handle(body: body, authorization: nil).status == 200)
        #expect(!none.sandbox.shouldTruncate())
    }
}

@Suite struct JSONWriterTests {
    @Test func writesWhatFoundationReadsBack() throws {
        let value: [String: Any] = [
            "text": "Ľubomír \"Šťastný\" \\ \n\t\u{01}", "int": -42, "double": 1234.5, "whole": 1800.0, "yes": true,
            "no": false, "nothing": NSNull(), "list": [1, "two", ["three": 3]] as [Any], "empty": [String: Any](),
        ]
        let bytes = JSONWriter.write(value)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(parsed["text"] as? String == value["text"] as? String)
        #expect(parsed["int"] as? Int == -42)
        #expect(parsed["double"] as? Double == 1234.5)
        #expect(parsed["whole"] as? Int == 1800)
        #expect(RPCParams.boolean(parsed["yes"]!) == true)
        #expect(RPCParams.boolean(parsed["no"]!) == false)
        #expect(parsed["nothing"] is NSNull)
        #expect(((parsed["list"] as? [Any])?[2] as? [String: Any])?["three"] as? Int == 3)
    }

    @Test func fragmentsAreEmbeddedAsWritten() {
        let record = JSONFragment(bytes: Array(#"{"id":1,"name":"Ján \"J\""}"#.utf8))
        let value: JSONObject = [
            "items": JSONFragment(bytes: Array("[1,2]".utf8)), "one": record, "list": [record, record],
            "text": "a\u{7}b",
        ]
        #expect(
            String(decoding: JSONWriter.write(value), as: UTF8.self)
                == #"{"items":[1,2],"one":{"id":1,"name":"Ján \"J\""},"list":["#
                + #"{"id":1,"name":"Ján \"J\""},{"id":1,"name":"Ján \"J\""}],"text":"a\u0007b"}"#
        )
    }
}

import ATSBridgeCore
import Foundation
import Testing

@testable import ATSBridgeSandbox

/// The sandbox's own admin API: faults switched at run time, pipeline and team edits, global
/// stages, and restoring deleted records with their ids.
@Suite struct SandboxAdminTests {
    private let admin = "admin-secret"

    private func result(_ response: [String: Any]) -> [String: Any]? { response["result"] as? [String: Any] }

    private func raw(_ harness: SandboxHarness, _ method: String, token: String) -> RECRUSandbox.Response {
        let body = try! JSONSerialization.data(withJSONObject: [
            "jsonrpc": "2.0", "method": method, "params": ["page": 1, "limit": 5], "id": 1,
        ])
        return harness.sandbox.handle(body: [UInt8](body), authorization: "Bearer \(token)")
    }

    @Test func faultsAreSetChangedAndClearedAtRunTime() {
        let harness = SandboxHarness()
        let token = harness.login()
        #expect(self.raw(harness, "UserService.getList", token: token).status == 200)

        let set = harness.call(
            "SandboxAdmin.setFaults",
            [
                "rate_limit_per_second": 1, "retry_after_seconds": 7, "failing_methods": ["ProjectService.getList"],
                "seed": 5,
            ],
            admin: self.admin
        )
        #expect(self.result(set)?["retry_after_seconds"] as? Int == 7, "\(set)")
        #expect(self.raw(harness, "UserService.getList", token: token).status == 200, "the first in this second")
        let limited = self.raw(harness, "UserService.getList", token: token)
        #expect(limited.status == 429)
        #expect(limited.headers.contains { $0.0 == "Retry-After" && $0.1 == "7" })
        #expect(self.raw(harness, "ProjectService.getList", token: harness.login()).status == 503, "a failing method")

        let changed = harness.call(
            "SandboxAdmin.changeFaults",
            ["rate_limit_per_second": NSNull(), "server_error_rate": 1.0],
            admin: self.admin
        )
        #expect(self.result(changed)?["failing_methods"] as? [String] == ["ProjectService.getList"], "kept")
        #expect(self.raw(harness, "UserService.getList", token: token).status == 503, "every request fails now")
        // The admin API is spared by the faults, so that they can be cleared.
        let faults = harness.call("SandboxAdmin.getFaults", admin: self.admin)
        #expect(self.result(faults)?["server_error_rate"] as? Double == 1.0)

        _ = harness.call("SandboxAdmin.clearFaults", admin: self.admin)
        #expect(harness.sandbox.faults == SandboxFaults())
        #expect(self.raw(harness, "ProjectService.getList", token: token).status == 200)
    }

    @Test func aRateLimitedShareAnswers429sWhateverTheRate() {
        let harness = SandboxHarness()
        let token = harness.login()
        _ = harness.call(
            "SandboxAdmin.setFaults",
            ["rate_limited_rate": 1.0, "retry_after_seconds": 2],
            admin: self.admin
        )
        let limited = self.raw(harness, "UserService.getList", token: token)
        #expect(limited.status == 429)
        #expect(limited.headers.contains { $0.0 == "Retry-After" && $0.1 == "2" })
        _ = harness.call("SandboxAdmin.changeFaults", ["rate_limited_rate": 0.0], admin: self.admin)
        #expect(self.raw(harness, "UserService.getList", token: token).status == 200)
        let bad = harness.call("SandboxAdmin.changeFaults", ["rate_limited_rate": 1.5], admin: self.admin)
        #expect(errorCode(bad) == -32602 && errorField(bad) == "rate_limited_rate")
    }

    @Test func badFaultsAreNamedAndChangeNothing() {
        let harness = SandboxHarness()
        for (params, field) in [
            (["server_error_rate": 2.0], "server_error_rate"), (["rate_limit_per_second": 0], "rate_limit_per_second"),
            (["failing_methods": [1]], "failing_methods[0]"), (["added_latency_ms": -1], "added_latency_ms"),
            // A typo would inject no fault at all.
            (["lost_answer_methods": ["JobseekerService.aply"]], "lost_answer_methods"),
            (["failing_methods": ["JobseekerService.apply", "Nope"]], "failing_methods"),
        ] as [([String: Any], String)] {
            let response = harness.call("SandboxAdmin.setFaults", params, admin: self.admin)
            #expect(errorCode(response) == -32602 && errorField(response) == field, "\(params)")
        }
        #expect(harness.sandbox.faults == SandboxFaults())
        #expect(errorCode(harness.call("SandboxAdmin.setFaults", ["seed": 1])) == -32003, "needs the secret")
    }

    @Test func aProjectsStagesAndHiringTeamAreEdited() throws {
        let harness = SandboxHarness()
        let project = try #require(harness.sandbox.snapshot.projects.all.first)
        let kept = try #require(project.stages.first)
        let response = harness.call(
            "SandboxAdmin.update",
            [
                "entity": "project", "id": project.id,
                "fields": [
                    "stages": [["id": kept.id, "name": "Screening"], ["name": "Offer", "type": "hired"]],
                    "users": [["user_id": 1, "role": "hiring_manager"], ["user_id": 2]],
                ],
            ],
            admin: self.admin
        )
        #expect(response["result"] as? Bool == true, "\(response)")
        let edited = try #require(harness.sandbox.snapshot.projects[project.id])
        #expect(edited.stages.map(\.name) == ["Screening", "Offer"])
        #expect(edited.stages[0].id == kept.id && edited.stages[1].id != kept.id)
        #expect(edited.users.map(\.userID) == [1, 2] && edited.users.map(\.role) == ["hiring_manager", "recruiter"])
        #expect(edited.updatedAt == harness.now, "a changed project is listed by changed_since")

        let unknown = harness.call(
            "SandboxAdmin.update",
            ["entity": "project", "id": project.id, "fields": ["users": [["user_id": 999]]]],
            admin: self.admin
        )
        #expect(errorField(unknown) == "fields.users[0].user_id")
    }

    @Test func globalStagesAndUsersAreCreatedUpdatedAndDeleted() throws {
        let harness = SandboxHarness()
        let created = harness.call(
            "SandboxAdmin.create",
            ["entity": "stage", "fields": ["name": "Assessment", "type": "in_progress"]],
            admin: self.admin
        )
        let id = try #require(self.result(created)?["id"] as? Int)
        #expect(harness.sandbox.snapshot.globalStages.contains { $0.id == id && $0.name == "Assessment" })
        _ = harness.call(
            "SandboxAdmin.update",
            ["entity": "stage", "id": id, "fields": ["name": "Test day"]],
            admin: self.admin
        )
        #expect(harness.sandbox.snapshot.globalStages.first { $0.id == id }?.name == "Test day")
        _ = harness.call(
            "SandboxAdmin.update",
            ["entity": "user", "id": 3, "fields": ["active": false]],
            admin: self.admin
        )
        #expect(harness.sandbox.snapshot.users[3]?.active == false)
        #expect(
            harness.call("SandboxAdmin.delete", ["entity": "stage", "id": id], admin: self.admin)["result"] as? Bool
                == true
        )
        #expect(!harness.sandbox.snapshot.globalStages.contains { $0.id == id })
    }

    @Test func deletedRecordsAreRestoredWithTheirIds() throws {
        let harness = SandboxHarness()
        let before = harness.sandbox.snapshot
        let application = try #require(before.applications.all.first)
        let jobseeker = application.jobseekerID
        let applications = before.applications.all.filter { $0.jobseekerID == jobseeker }.map(\.id)
        let tag = try #require(before.jobseekers.all.first { !$0.tagIDs.isEmpty }?.tagIDs.first)
        let tagged = before.jobseekers.all.filter { $0.tagIDs.contains(tag) }.map(\.id)

        _ = harness.call("SandboxAdmin.delete", ["entity": "jobseeker", "id": jobseeker], admin: self.admin)
        _ = harness.call("SandboxAdmin.delete", ["entity": "tag", "id": tag], admin: self.admin)
        #expect(harness.sandbox.snapshot.jobseekers[jobseeker] == nil)
        #expect(!harness.sandbox.snapshot.applications.all.contains { $0.jobseekerID == jobseeker })

        for entity in ["jobseeker", "tag"] {
            let id = entity == "tag" ? tag : jobseeker
            let restored = harness.call("SandboxAdmin.restore", ["entity": entity, "id": id], admin: self.admin)
            #expect(restored["result"] as? Bool == true, "\(restored)")
        }
        let after = harness.sandbox.snapshot
        #expect(after.jobseekers[jobseeker] != nil)
        #expect(after.applications.all.filter { $0.jobseekerID == jobseeker }.map(\.id) == applications)
        #expect(after.jobseekers.all.filter { $0.tagIDs.contains(tag) }.map(\.id) == tagged)

        let again = harness.call("SandboxAdmin.restore", ["entity": "jobseeker", "id": jobseeker], admin: self.admin)
        #expect(errorCode(again) == -32004, "nothing deleted to restore")
    }
}

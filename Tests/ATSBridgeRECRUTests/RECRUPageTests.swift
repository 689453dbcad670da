import ATSBridgeCore
import ATSBridgeProto
import Foundation
import Testing

@testable import ATSBridgeRECRU

/// Whole RECRU list pages mapped for the port.
@Suite struct RECRUPageTests {
    @Test func recordsRECRUSendsInAnUnmappableShapeAreSkippedAndCounted() {
        let mapper = RECRUMapper(integrationID: "int-1")
        let page: [[String: Any]] = [
            ["id": 1, "first_name": "A", "tags": [["id": 3]]],
            ["first_name": "no id"],
            ["id": NSNull()],
            ["id": 2, "emails": "not a list", "tags": "nope"],
        ]
        let candidates = mapper.candidates(page)
        guard case .candidates(let mapped) = candidates.batches.first,
            case .candidateTags(let tags) = candidates.batches.last
        else {
            Issue.record("a candidate page carries candidates and their tags")
            return
        }
        #expect(mapped.map(\.remoteID) == ["1", "2"])
        #expect(tags.count == 1)
        #expect(candidates.skipped == 2)
        let projects = mapper.projects([["id": 5, "stages": [["name": "no id"]]], ["id": 6]])
        guard case .jobs(let jobs) = projects.batches.first else {
            Issue.record("a project page starts with jobs")
            return
        }
        #expect(jobs.map(\.remoteID) == ["6"])
        #expect(projects.batches.map(\.model) == [.job, .applicationStage, .jobApplicationStage, .jobHiringTeamMember])
        #expect(projects.skipped == 1)
    }

    @Test func theApplyParametersKeepOneCVAndNameTheRest() {
        let command = RemoteApplicationCommand(
            jobRemoteID: "12",
            stageRemoteID: "1001",
            firstName: "Ján",
            lastName: "Novák",
            email: "jan@example.sk",
            attachments: [
                RemoteAttachment(name: "cv.pdf", type: .cv, contentType: "application/pdf", bytes: [1]),
                RemoteAttachment(name: "cv2.pdf", type: .cv, contentType: "application/pdf", bytes: [2]),
                RemoteAttachment(name: "letter.pdf", type: .coverLetter, contentType: "application/pdf", bytes: [3]),
            ],
            sourceName: "Board",
            gdprGiven: true
        )
        let parameters = command.recruParameters
        #expect(RECRUMethod.apply.accepts(parameters.keys))
        #expect(parameters["project_id"] as? Int == 12)
        #expect(parameters["stage_id"] as? Int == 1001)
        let types = (parameters["attachments"] as? [[String: Any]])?.compactMap { $0["type"] as? String }
        #expect(types == ["cv", "other", "cover_letter"])
        #expect(command.recruWarnings.count == 1)
        #expect((parameters["gdpr_consent"] as? [String: Any])?["given"] as? Bool == true)
    }
}

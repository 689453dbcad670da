import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRECRU
import Foundation

/// Executes write commands against RECRU and mirrors their results into the store at once, in
/// the same shape a sync would, so the next read sees them and the next sync changes nothing.
struct RECRUWriter: Sendable {
    let store: any Store
    let client: RECRUClient
    let integrationID: String

    private var mapper: RECRUMapper { RECRUMapper(integrationID: self.integrationID) }

    /// What `apply` created in RECRU: the checkpoint of an idempotent create.
    struct Applied: Codable, Sendable {
        var jobseeker: String
        var application: String
        var project: String
        var stage: String?
    }

    /// Calls RECRU's apply (never retried blindly) and remembers what it created as created
    /// here, for "sync only created applications".
    func apply(_ command: ApplyCommand) async throws -> Applied {
        guard
            let result = try await self.client.call("JobseekerService.apply", command.parameters, idempotent: false)
                as? [String: Any], let jobseeker = result["jobseeker_id"], let application = result["application_id"]
        else {
            throw ATSBridgeError(.remoteUnknown, "RECRU's apply answer has no jobseeker_id or application_id")
        }
        let applied = Applied(
            jobseeker: "\(jobseeker)",
            application: "\(application)",
            project: command.projectID,
            stage: command.stageID
        )
        try await self.store.markCreatedHere(
            integrationID: self.integrationID,
            model: .candidate,
            remoteIDs: [applied.jobseeker]
        )
        try await self.store.markCreatedHere(
            integrationID: self.integrationID,
            model: .application,
            remoteIDs: [applied.application]
        )
        return applied
    }

    /// Reads the new jobseeker back from RECRU and writes the candidate, its tags and the
    /// application into the store. Returns the application's and candidate's ATSBridge ids.
    func mirror(_ applied: Applied) async throws -> (application: String, candidate: String) {
        guard
            let jobseeker = try await self.client.call("JobseekerService.get", ["id": Self.number(applied.jobseeker)])
                as? [String: Any]
        else {
            throw ATSBridgeError(.remoteUnknown, "RECRU answered JobseekerService.get with an unexpected shape")
        }
        let mapped = try self.mapper.candidate(jobseeker)
        var stage = applied.stage
        if stage == nil {
            // RECRU put the application in the project's first stage.
            let project =
                try await self.client.call("ProjectService.get", ["id": Self.number(applied.project)]) as? [String: Any]
            let stages = (project?["stages"] as? [[String: Any]] ?? []).sorted {
                ($0["position"] as? Int ?? 0) < ($1["position"] as? Int ?? 0)
            }
            stage = stages.first?["id"].map { "\($0)" }
        }
        // The same keys RECRU lists applications with, so the next sync sees no change.
        let application = try self.mapper.application([
            "id": Self.number(applied.application), "project_id": Self.number(applied.project),
            "jobseeker_id": Self.number(applied.jobseeker), "stage_id": stage.map(Self.number) ?? NSNull(),
            "status": "active", "rejection_reason_id": NSNull(),
        ])
        // One transaction: the next read sees the candidate, its tags and the application together.
        _ = try await self.store.upsert(
            batches: [.candidates([mapped.candidate]), .candidateTags(mapped.tags), .applications([application])],
            integrationID: self.integrationID,
            at: WallClock.nowMilliseconds()
        )
        return (application.id, mapped.candidate.id)
    }

    /// Assigns a RECRU tag to a jobseeker (idempotent in RECRU, so retried on transient
    /// failures) and writes the join.
    func addTag(jobseeker: String, tag: Tag) async throws {
        let tagRemoteID = tag.remoteID ?? ""
        _ = try await self.client.call(
            "JobseekerService.addTags",
            ["jobseeker_id": Self.number(jobseeker), "tag_ids": [Self.number(tagRemoteID)]],
            idempotent: true
        )
        let join = CandidateTag(
            id: self.mapper.id(.candidateTag, "\(jobseeker)-\(tagRemoteID)"),
            candidateID: self.mapper.id(.candidate, jobseeker),
            tagID: tag.id
        )
        _ = try await self.store.upsert(
            .candidateTags([join]),
            integrationID: self.integrationID,
            at: WallClock.nowMilliseconds()
        )
    }

    /// RECRU's tags, read again and mirrored (they may be newer than the last sync).
    func refreshTags() async throws -> [Tag] {
        guard let items = try await self.client.call("TagService.getList") as? [[String: Any]] else {
            throw ATSBridgeError(.remoteUnknown, "RECRU answered TagService.getList with an unexpected shape")
        }
        let tags = items.compactMap { try? self.mapper.tag($0) }
        _ = try await self.store.upsert(.tags(tags), integrationID: self.integrationID, at: WallClock.nowMilliseconds())
        return tags
    }

    /// RECRU ids are integers; others are passed as they are.
    static func number(_ id: String) -> Any { Int(id) ?? id }
}

import ATSBridgeCore
import Foundation
import Synchronization

/// `JobseekerService.apply` and `JobseekerService.addTags`. Every input is validated before
/// anything is written, so a failed call changes nothing.
extension RECRUSandbox {
    private struct AttachmentInput {
        var name: String
        var type: String
        var mimeType: String
        var size: Int
    }

    func apply(_ params: RPCParams) throws -> Any {
        let projectID = try params.requiredInt("project_id")
        let stageID = try params.int("stage_id")
        let existingID = try params.int("jobseeker_id")
        let newJobseeker = try params.object("jobseeker")
        guard (existingID == nil) != (newJobseeker == nil) else {
            throw JSONRPCError.invalidParams("jobseeker", "give exactly one of jobseeker and jobseeker_id")
        }
        var draft: SandboxJobseeker?
        if let input = newJobseeker {
            let email = try input.string("email")
            if let email, !Self.isEmail(email) {
                throw JSONRPCError.invalidParams("jobseeker.email", "is not an email address")
            }
            draft = SandboxJobseeker(
                id: 0,
                firstName: try input.requiredString("first_name"),
                lastName: try input.requiredString("last_name"),
                email: email,
                phone: try input.string("phone"),
                currentCompany: try input.string("current_company"),
                currentPosition: try input.string("current_position"),
                city: try input.string("city"),
                country: try input.string("country"),
                sourceID: nil,
                tagIDs: [],
                gdprConsent: false,
                gdprConsentUntil: nil,
                attachments: []
            )
        }
        let attachments = try self.attachments(params)
        let source = try params.object("source")
        let sourceID = try source?.int("id")
        let sourceName = try source?.string("name")
        if source != nil, (sourceID == nil) == (sourceName == nil) {
            throw JSONRPCError.invalidParams("source", "give exactly one of id and name")
        }
        let gdpr = try params.object("gdpr_consent")
        let gdprGiven = try gdpr?.bool("given") ?? false
        let gdprUntil = try gdpr?.date("expires_at")

        return try self.state.withLock { state -> [String: Any] in
            guard let project = state.projects[projectID] else { throw JSONRPCError.notFound("Project") }
            guard project.status == "open" else { throw JSONRPCError.projectClosed }
            let stage: SandboxStage
            if let stageID {
                guard let found = project.stages.first(where: { $0.id == stageID }) else {
                    throw JSONRPCError.invalidParams("stage_id", "is not a stage of the project")
                }
                stage = found
            } else {
                guard let first = project.stages.min(by: { $0.position < $1.position }) else {
                    throw JSONRPCError.invalidParams("project_id", "the project has no stages")
                }
                stage = first
            }
            if let sourceID, !state.sources.contains(where: { $0.id == sourceID }) {
                throw JSONRPCError.notFound("Source")
            }
            var jobseeker: SandboxJobseeker
            if let existingID {
                guard let found = state.jobseekers[existingID] else { throw JSONRPCError.notFound("Jobseeker") }
                jobseeker = found
            } else {
                jobseeker = draft!
            }
            // The same jobseeker, or a jobseeker with the same email, already in the project.
            let sameEmail = jobseeker.email?.lowercased()
            let duplicate = state.applications.all.contains { application in
                guard application.projectID == projectID else { return false }
                if application.jobseekerID == existingID { return true }
                guard let sameEmail, existingID == nil else { return false }
                return state.jobseekers[application.jobseekerID]?.email?.lowercased() == sameEmail
            }
            if duplicate { throw JSONRPCError.duplicateApplication }

            // Everything is valid: write.
            if existingID == nil { jobseeker.id = state.nextID("jobseeker") }
            if let sourceID {
                jobseeker.sourceID = sourceID
            } else if let sourceName {
                if let known = state.sources.first(where: { $0.name.lowercased() == sourceName.lowercased() }) {
                    jobseeker.sourceID = known.id
                } else {
                    let created = SandboxNamed(id: state.nextID("source"), name: sourceName)
                    state.sources.append(created)
                    jobseeker.sourceID = created.id
                }
            }
            if gdpr != nil {
                jobseeker.gdprConsent = gdprGiven
                jobseeker.gdprConsentUntil = gdprUntil
            }
            for attachment in attachments {
                jobseeker.attachments.append(
                    SandboxAttachment(
                        id: state.nextID("attachment"),
                        name: attachment.name,
                        mimeType: attachment.mimeType,
                        type: attachment.type,
                        size: attachment.size
                    )
                )
            }
            state.jobseekers.put(jobseeker)
            let application = SandboxApplication(
                id: state.nextID("application"),
                projectID: projectID,
                jobseekerID: jobseeker.id,
                stageID: stage.id,
                status: "active",
                rejectionReasonID: nil
            )
            state.applications.put(application)
            return ["jobseeker_id": jobseeker.id, "application_id": application.id]
        }
    }

    private func attachments(_ params: RPCParams) throws -> [AttachmentInput] {
        guard let list = try params.array("attachments") else { return [] }
        return try list.enumerated().map { index, element in
            let field = "attachments[\(index)]"
            guard let object = element as? [String: Any] else {
                throw JSONRPCError.invalidParams(field, "must be an object")
            }
            let attachment = RPCParams(object, prefix: field + ".")
            let type = try attachment.string("type") ?? "other"
            guard ["cv", "cover_letter", "other"].contains(type) else {
                throw JSONRPCError.invalidParams(field + ".type", "must be cv, cover_letter or other")
            }
            let content = try attachment.requiredString("content_base64")
            // 4 base64 characters carry 3 bytes: refuse over-large content before decoding it.
            guard content.utf8.count / 4 * 3 <= self.configuration.maxAttachmentBytes + 3 else {
                throw JSONRPCError.invalidParams(
                    field + ".content_base64",
                    "exceeds \(self.configuration.maxAttachmentBytes) bytes"
                )
            }
            guard let data = Data(base64Encoded: content) else {
                throw JSONRPCError.invalidParams(field + ".content_base64", "is not valid base64")
            }
            guard data.count <= self.configuration.maxAttachmentBytes else {
                throw JSONRPCError.invalidParams(
                    field + ".content_base64",
                    "exceeds \(self.configuration.maxAttachmentBytes) bytes"
                )
            }
            return AttachmentInput(
                name: try attachment.requiredString("name"),
                type: type,
                mimeType: try attachment.string("mime_type") ?? "application/octet-stream",
                size: data.count
            )
        }
    }

    func addTags(_ params: RPCParams) throws -> Any {
        let jobseekerID = try params.requiredInt("jobseeker_id")
        guard let tagIDs = try params.intArray("tag_ids"), !tagIDs.isEmpty else {
            throw JSONRPCError.invalidParams("tag_ids", "is required")
        }
        return try self.state.withLock { state -> Bool in
            guard var jobseeker = state.jobseekers[jobseekerID] else { throw JSONRPCError.notFound("Jobseeker") }
            // RECRU cannot create tags: unknown ids fail the whole call.
            if let unknown = tagIDs.first(where: { state.tags[$0] == nil }) {
                throw JSONRPCError(
                    code: -32602,
                    message: "Tag not found: \(unknown)",
                    field: "tag_ids",
                    reason: "unknown tag id \(unknown)"
                )
            }
            jobseeker.tagIDs = Array(Set(jobseeker.tagIDs + tagIDs)).sorted()
            state.jobseekers.put(jobseeker)
            return true
        }
    }

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), !text.contains(" ")
        else { return false }
        return true
    }
}

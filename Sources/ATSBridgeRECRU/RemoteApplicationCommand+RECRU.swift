import ATSBridgeCore
import ATSBridgeProto
import Foundation

/// A create command in RECRU's terms: what `JobseekerService.apply` gets.
extension RemoteApplicationCommand {
    /// RECRU's `apply` parameters.
    var recruParameters: [String: Any] {
        var jobseeker: [String: Any] = ["first_name": self.firstName, "last_name": self.lastName, "email": self.email]
        let optional: [(String, String?)] = [
            ("phone", self.phone), ("city", self.city), ("country", self.country),
            ("current_company", self.company), ("current_position", self.title),
        ]
        for case (let key, let value?) in optional { jobseeker[key] = value }
        var parameters: [String: Any] = [
            "project_id": RECRUMapper.number(self.jobRemoteID),
            "attachments": zip(self.attachments, self.recruAttachmentTypes).map { attachment, type in
                [
                    "name": attachment.name, "type": type, "mime_type": attachment.contentType,
                    "content_base64": Data(attachment.bytes).base64EncodedString(),
                ]
            },
        ]
        if let existing = self.candidateRemoteID {
            parameters["jobseeker_id"] = RECRUMapper.number(existing)
        } else {
            parameters["jobseeker"] = jobseeker
        }
        if let stage = self.stageRemoteID { parameters["stage_id"] = RECRUMapper.number(stage) }
        if let source = self.sourceName ?? (self.candidateRemoteID == nil ? self.defaultSourceName : nil) {
            parameters["source"] = ["name": source]
        }
        if self.gdprGiven != nil || self.gdprExpiresAt != nil {
            var consent: [String: Any] = ["given": self.gdprGiven ?? false]
            if let expires = self.gdprExpiresAt { consent["expires_at"] = ISODates.format(expires) }
            parameters["gdpr_consent"] = consent
        }
        return parameters
    }

    /// RECRU's attachment types: `cv`, `cover_letter` or `other`. RECRU keeps one CV, the
    /// résumé: the first CV is it, later ones are `other`.
    var recruAttachmentTypes: [String] {
        var sawCV = false
        return self.attachments.map { attachment in
            switch attachment.type {
            case .cv:
                let type = sawCV ? "other" : "cv"
                sawCV = true
                return type
            case .coverLetter: return "cover_letter"
            default: return "other"
            }
        }
    }

    /// What the caller should know about how RECRU keeps this command.
    var recruWarnings: [String] {
        guard self.attachments.filter({ $0.type == .cv }).count > 1 else { return [] }
        return ["RECRU keeps one CV: the first is the résumé, later CVs were attached as OTHER"]
    }
}

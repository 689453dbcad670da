import ATSBridgeCore
import ATSBridgeRECRU
import Foundation

/// The JSON shapes of RECRU records (docs/recru-jsonrpc.md, "Entity shapes"). Absent values are
/// JSON `null`, and keys come in a fixed order, as a PHP backend would send them.
extension RECRUSandbox {
    static func json(_ user: SandboxUser) -> JSONObject {
        [
            "id": user.id, "first_name": user.firstName, "last_name": user.lastName, "email": user.email,
            "active": user.active,
        ]
    }

    static func json(_ stage: SandboxStage) -> JSONObject {
        ["id": stage.id, "name": stage.name, "position": stage.position, "type": stage.type]
    }

    static func json(_ named: SandboxNamed) -> JSONObject {
        ["id": named.id, "name": named.name]
    }

    static func json(_ project: SandboxProject) -> JSONObject {
        [
            "id": project.id, "name": project.name, "description": project.description, "status": project.status,
            "is_public": project.isPublic, "department": project.department ?? NSNull(),
            "employment_type": project.employmentType ?? NSNull(), "seniority": project.seniority ?? NSNull(),
            "salary_from": project.salaryFrom ?? NSNull(), "salary_to": project.salaryTo ?? NSNull(),
            "currency": project.currency ?? NSNull(), "opened_at": self.date(project.openedAt),
            "closed_at": self.date(project.closedAt), "close_reason_id": project.closeReasonID ?? NSNull(),
            "updated_at": ISODates.format(project.updatedAt), "stages": project.stages.map(self.json),
            "users": project.users.map { ["user_id": $0.userID, "role": $0.role] as JSONObject },
        ]
    }

    static func json(_ jobseeker: SandboxJobseeker, _ state: SandboxState) -> JSONObject {
        let source = jobseeker.sourceID.flatMap { id in state.sources.first { $0.id == id } }
        return [
            "id": jobseeker.id, "first_name": jobseeker.firstName, "last_name": jobseeker.lastName,
            "email": jobseeker.email ?? NSNull(), "phone": jobseeker.phone ?? NSNull(),
            "emails":
                ([
                    jobseeker.email.map { ["email": $0, "type": "private"] },
                    jobseeker.workEmail.map { ["email": $0, "type": "work"] },
                ] as [JSONObject?]).compactMap { $0 },
            "phones": jobseeker.phone.map { [["phone": $0, "type": "mobile"] as JSONObject] } ?? [JSONObject](),
            "current_company": jobseeker.currentCompany ?? NSNull(),
            "current_position": jobseeker.currentPosition ?? NSNull(), "city": jobseeker.city ?? NSNull(),
            "country": jobseeker.country ?? NSNull(), "source": source.map(self.json) ?? NSNull(),
            "tags": jobseeker.tagIDs.compactMap { state.tags[$0] }.map(self.json),
            "gdpr_consent": jobseeker.gdprConsent, "gdpr_consent_until": self.date(jobseeker.gdprConsentUntil),
            "attachments": jobseeker.attachments.map {
                ["id": $0.id, "name": $0.name, "mime_type": $0.mimeType, "type": $0.type, "size": $0.size]
                    as JSONObject
            },
        ]
    }

    static func json(_ application: SandboxApplication) -> JSONObject {
        [
            "id": application.id, "project_id": application.projectID, "jobseeker_id": application.jobseekerID,
            "stage_id": application.stageID, "status": application.status,
            "rejection_reason_id": application.rejectionReasonID ?? NSNull(),
        ]
    }

    private static func date(_ milliseconds: Int64?) -> Any {
        milliseconds.map(ISODates.format) ?? NSNull()
    }
}

import ATSBridgeCore
import ATSBridgeProto
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

    static func json(_ named: SandboxNamed) -> JSONFragment {
        self.fragment { self.write(named, to: &$0) }
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

    static func json(_ jobseeker: SandboxJobseeker, _ state: SandboxState) -> JSONFragment {
        self.fragment { self.write(jobseeker, state, to: &$0) }
    }

    /// A JSON array of `items`, each written by `write`: the list pages' records go straight
    /// into bytes, without an object of boxed values per record.
    static func list<Item>(
        _ items: [Item],
        _ write: (Item, inout ProtoJSONWriter) -> Void
    ) -> JSONFragment {
        self.fragment { json in json.array(items) { json, item in write(item, &json) } }
    }

    private static func fragment(_ write: (inout ProtoJSONWriter) -> Void) -> JSONFragment {
        var json = ProtoJSONWriter()
        write(&json)
        return JSONFragment(bytes: json.bytes)
    }

    private static func write(_ named: SandboxNamed, to json: inout ProtoJSONWriter) {
        json.beginObject()
        json.key("id")
        json.value(named.id)
        json.key("name")
        json.value(named.name)
        json.endObject()
    }

    static func write(_ jobseeker: SandboxJobseeker, _ state: SandboxState, to json: inout ProtoJSONWriter) {
        json.beginObject()
        json.key("id")
        json.value(jobseeker.id)
        json.key("first_name")
        json.value(jobseeker.firstName)
        json.key("last_name")
        json.value(jobseeker.lastName)
        json.key("email")
        json.optional(jobseeker.email)
        json.key("phone")
        json.optional(jobseeker.phone)
        json.key("emails")
        let emails = [(jobseeker.email, "private"), (jobseeker.workEmail, "work")].compactMap { email, type in
            email.map { ($0, type) }
        }
        json.array(emails) { json, email in
            json.beginObject()
            json.key("email")
            json.value(email.0)
            json.key("type")
            json.value(email.1)
            json.endObject()
        }
        json.key("phones")
        json.array(jobseeker.phone.map { [$0] } ?? []) { json, phone in
            json.beginObject()
            json.key("phone")
            json.value(phone)
            json.key("type")
            json.value("mobile")
            json.endObject()
        }
        json.key("current_company")
        json.optional(jobseeker.currentCompany)
        json.key("current_position")
        json.optional(jobseeker.currentPosition)
        json.key("city")
        json.optional(jobseeker.city)
        json.key("country")
        json.optional(jobseeker.country)
        json.key("source")
        if let source = jobseeker.sourceID.flatMap({ id in state.sources.first { $0.id == id } }) {
            self.write(source, to: &json)
        } else {
            json.null()
        }
        json.key("tags")
        json.array(jobseeker.tagIDs.compactMap { state.tags[$0] }) { json, tag in self.write(tag, to: &json) }
        json.key("gdpr_consent")
        json.value(jobseeker.gdprConsent)
        json.key("gdpr_consent_until")
        json.optional(jobseeker.gdprConsentUntil.map(ISODates.format))
        json.key("attachments")
        json.array(jobseeker.attachments) { json, attachment in
            json.beginObject()
            json.key("id")
            json.value(attachment.id)
            json.key("name")
            json.value(attachment.name)
            json.key("mime_type")
            json.value(attachment.mimeType)
            json.key("type")
            json.value(attachment.type)
            json.key("size")
            json.value(attachment.size)
            json.endObject()
        }
        json.endObject()
    }

    static func write(_ application: SandboxApplication, to json: inout ProtoJSONWriter) {
        json.beginObject()
        json.key("id")
        json.value(application.id)
        json.key("project_id")
        json.value(application.projectID)
        json.key("jobseeker_id")
        json.value(application.jobseekerID)
        json.key("stage_id")
        json.value(application.stageID)
        json.key("status")
        json.value(application.status)
        json.key("rejection_reason_id")
        if let reason = application.rejectionReasonID { json.value(reason) } else { json.null() }
        json.endObject()
    }

    private static func date(_ milliseconds: Int64?) -> Any {
        milliseconds.map(ISODates.format) ?? NSNull()
    }
}

extension ProtoJSONWriter {
    /// A string, or `null` when absent.
    fileprivate mutating func optional(_ string: String?) {
        if let string { self.value(string) } else { self.null() }
    }
}

import ATSBridgeCore
import ATSBridgeProto
import Foundation

/// A validated create command, in RECRU's terms: what `JobseekerService.apply` gets.
struct ApplyCommand: Sendable {
    var projectID: String
    var stageID: String?
    var firstName: String
    var lastName: String
    var email: String
    var phone: String?
    var city: String?
    var country: String?
    var company: String?
    var title: String?
    var attachments: [LoadedAttachment]
    var sourceName: String?
    var gdprGiven: Bool?
    var gdprExpiresAt: Int64?

    /// Checks the candidate's fields; every problem is `PLATFORM.INPUT_INVALID` naming the field.
    static func candidateFields(_ input: CandidateInput?, prefix: String = "candidate.") throws -> (
        first: String, last: String, email: String
    ) {
        func required(_ value: String?, _ name: String) throws -> String {
            guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw ATSBridgeError(.inputInvalid, "\(prefix)\(name) is required")
            }
            guard value.count <= 200 else {
                throw ATSBridgeError(.inputInvalid, "\(prefix)\(name) is over 200 characters")
            }
            return value
        }
        let first = try required(input?.firstName, "first_name")
        let last = try required(input?.lastName, "last_name")
        let email = try required(input?.emailAddress, "email_address")
        guard EmailRule.isValid(email) else {
            throw ATSBridgeError(.inputInvalid, "\(prefix)email_address is not a valid email address")
        }
        if let location = input?.location {
            guard let country = location.country, country.range(of: "^[A-Z]{2}$", options: .regularExpression) != nil
            else {
                throw ATSBridgeError(
                    .inputInvalid,
                    "\(prefix)location.country must be an ISO 3166-1 alpha-2 code such as SK (required with a location)"
                )
            }
        }
        if let phone = input?.phoneNumber, phone.count > 50 {
            throw ATSBridgeError(.inputInvalid, "\(prefix)phone_number is over 50 characters")
        }
        return (first, last, email)
    }

    /// RECRU's `apply` parameters.
    var parameters: [String: Any] {
        var jobseeker: [String: Any] = ["first_name": self.firstName, "last_name": self.lastName, "email": self.email]
        let optional: [(String, String?)] = [
            ("phone", self.phone), ("city", self.city), ("country", self.country),
            ("current_company", self.company), ("current_position", self.title),
        ]
        for case (let key, let value?) in optional { jobseeker[key] = value }
        var parameters: [String: Any] = [
            "project_id": Int(self.projectID) ?? self.projectID,
            "jobseeker": jobseeker,
            "attachments": self.attachments.map { attachment in
                [
                    "name": attachment.name, "type": attachment.type, "mime_type": attachment.contentType,
                    "content_base64": Data(attachment.bytes).base64EncodedString(),
                ]
            },
        ]
        if let stage = self.stageID { parameters["stage_id"] = Int(stage) ?? stage }
        if let source = self.sourceName { parameters["source"] = ["name": source] }
        if self.gdprGiven != nil || self.gdprExpiresAt != nil {
            var consent: [String: Any] = ["given": self.gdprGiven ?? false]
            if let expires = self.gdprExpiresAt { consent["expires_at"] = ISODates.format(expires) }
            parameters["gdpr_consent"] = consent
        }
        return parameters
    }
}

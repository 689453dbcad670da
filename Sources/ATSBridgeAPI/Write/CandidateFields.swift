import ATSBridgeCore
import ATSBridgeProto
import Foundation

/// The candidate fields every create command requires, validated.
enum CandidateFields {
    /// Checks the candidate's fields; every problem is `PLATFORM.INPUT_INVALID` naming the field.
    static func validate(_ input: CandidateInput?, prefix: String = "candidate.") throws -> (
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
        // Domain names are case-insensitive: `Jana@Example.SK` is `Jana@example.sk`, which the
        // unified API's rule (a lower-case domain) then accepts.
        let given = try required(input?.emailAddress, "email_address")
        let email =
            given.lastIndex(of: "@").map { given[...$0] + given[given.index(after: $0)...].lowercased() } ?? given
        guard EmailRule.isValid(email) else {
            throw ATSBridgeError(.inputInvalid, "\(prefix)email_address is not a valid email address")
        }
        if let location = input?.location {
            guard let country = location.country, CountryCode.isAssigned(country) else {
                throw ATSBridgeError(
                    .inputInvalid,
                    "\(prefix)location.country must be an assigned ISO 3166-1 alpha-2 code in upper case, such as SK (required with a location)"
                )
            }
        }
        if let phone = input?.phoneNumber, phone.count > 50 {
            throw ATSBridgeError(.inputInvalid, "\(prefix)phone_number is over 50 characters")
        }
        return (first, last, email)
    }
}

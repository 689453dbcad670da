import ATSBridgeProto
import Foundation

/// A candidate as the unified ATS REST APIs return it: snake_case field names, ISO 8601 times,
/// typed contact entries, applications with their job and current stage, tags.
struct UnifiedCandidate: Codable, Sendable {
    struct PhoneNumber: Codable, Sendable {
        var value: String?
        var phoneNumberType: String?

        enum CodingKeys: String, CodingKey {
            case value
            case phoneNumberType = "phone_number_type"
        }
    }

    struct EmailAddress: Codable, Sendable {
        var value: String?
        var emailAddressType: String?

        enum CodingKeys: String, CodingKey {
            case value
            case emailAddressType = "email_address_type"
        }
    }

    /// A nested job, stage (with its index in the job's pipeline) or tag.
    struct Reference: Codable, Sendable {
        var id: String
        var remoteID: String?
        var name: String?
        var index: Int?

        enum CodingKeys: String, CodingKey {
            case id
            case remoteID = "remote_id"
            case name
            case index
        }
    }

    struct Application: Codable, Sendable {
        var id: String
        var remoteID: String?
        var modifiedAt: String?
        var outcome: String?
        var currentStage: Reference?
        var job: Reference?

        enum CodingKeys: String, CodingKey {
            case id
            case remoteID = "remote_id"
            case modifiedAt = "modified_at"
            case outcome
            case currentStage = "current_stage"
            case job
        }
    }

    var id: String
    var remoteID: String?
    var modifiedAt: String?
    var remoteWasDeleted: Bool
    var firstName: String?
    var lastName: String?
    var company: String?
    var title: String?
    var source: String?
    var phoneNumbers: [PhoneNumber]
    var emailAddresses: [EmailAddress]
    var locations: [String]
    var applications: [Application]
    var tags: [Reference]
    var remoteData: String?

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case modifiedAt = "modified_at"
        case remoteWasDeleted = "remote_was_deleted"
        case firstName = "first_name"
        case lastName = "last_name"
        case company
        case title
        case source
        case phoneNumbers = "phone_numbers"
        case emailAddresses = "email_addresses"
        case locations
        case applications
        case tags
        case remoteData = "remote_data"
    }
}

/// A page of the JSON API: results and the cursor of the next page, as the unified APIs page.
struct UnifiedCandidatePage: Codable, Sendable {
    var next: String?
    var previous: String?
    var results: [UnifiedCandidate]
}

extension UnifiedCandidate {
    /// The unified form of an ATSBridge candidate (the same record the other sides serve).
    init(_ candidate: Candidate) {
        let iso = Date.ISO8601FormatStyle()
        func time(_ milliseconds: Int64?) -> String? {
            milliseconds.map { Date(timeIntervalSince1970: Double($0) / 1000).formatted(iso) }
        }
        self.init(
            id: candidate.id,
            remoteID: candidate.remoteID,
            modifiedAt: time(candidate.changedAt),
            remoteWasDeleted: candidate.remoteDeletedAt != nil,
            firstName: candidate.firstName,
            lastName: candidate.lastName,
            company: candidate.company,
            title: candidate.title,
            source: candidate.source,
            phoneNumbers: candidate.phoneNumbers.map { PhoneNumber(value: $0.phoneNumber, phoneNumberType: $0.type) },
            emailAddresses: candidate.emailAddresses.map {
                EmailAddress(value: $0.emailAddress, emailAddressType: $0.type)
            },
            locations: [candidate.location?.raw ?? candidate.location?.city].compactMap { $0 },
            applications: candidate.applications.map { application in
                Application(
                    id: application.id,
                    remoteID: application.remoteID,
                    modifiedAt: time(application.changedAt),
                    outcome: application.outcome.map { "\($0)".uppercased() },
                    currentStage: application.currentStage.map {
                        Reference(id: $0.id, remoteID: $0.remoteID, name: $0.name, index: $0.index.map(Int.init))
                    },
                    job: application.job.map { Reference(id: $0.id, remoteID: $0.remoteID, name: $0.name) }
                )
            },
            tags: candidate.tags.map { Reference(id: $0.id, remoteID: $0.remoteID, name: $0.name) },
            remoteData: candidate.remoteData.map { String(decoding: $0, as: UTF8.self) }
        )
    }
}

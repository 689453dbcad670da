import ATSBridgeCore
package import ATSBridgeProto
import Foundation

/// Maps RECRU records (docs/recru-jsonrpc.md) to the unified model, field by field
/// (docs/mapping.md). Fields RECRU lacks stay absent; unmappable enum values keep their raw
/// string; `remote_data` carries the raw RECRU record; invalid emails are dropped.
package struct RECRUMapper: Sendable {
    /// The version of this mapping. Bump it with every change that changes what a RECRU record
    /// maps to: it is part of every source fingerprint (``SourceHash``), so the next sync maps
    /// every record again instead of skipping those RECRU sends unchanged.
    package static let version: UInt32 = 1

    /// The integration the records belong to; part of every derived id.
    package let integrationID: String
    /// The mapping version fingerprints are made with: ``version`` but in tests.
    package let version: UInt32

    /// Creates a mapper for one integration.
    package init(integrationID: String, version: UInt32 = RECRUMapper.version) {
        self.integrationID = integrationID
        self.version = version
    }

    /// The ATSBridge id of a RECRU record.
    package func id(_ model: Model, _ remoteID: String) -> String {
        RecordID.make(integrationID: self.integrationID, model: model, remoteID: remoteID)
    }

    /// A user.
    package func user(_ json: [String: Any]) throws -> User {
        let remoteID = try Self.remoteID(json, "user")
        return User(
            id: self.id(.user, remoteID),
            remoteID: remoteID,
            firstName: json["first_name"] as? String,
            lastName: json["last_name"] as? String,
            email: (json["email"] as? String).flatMap(Self.validEmail),
            remoteData: Self.raw(json)
        )
    }

    /// A job, from a project.
    package func job(_ json: [String: Any]) throws -> Job {
        let remoteID = try Self.remoteID(json, "project")
        let employment = json["employment_type"] as? String
        let status = json["status"] as? String
        let mappedEmployment = employment.flatMap { Self.employmentTypes[$0] }
        let mappedStatus = status.flatMap { Self.jobStatuses[$0] }
        return Job(
            id: self.id(.job, remoteID),
            remoteID: remoteID,
            name: json["name"] as? String,
            description: json["description"] as? String,
            employmentType: mappedEmployment,
            employmentTypeRaw: mappedEmployment == nil ? employment : nil,
            status: mappedStatus,
            statusRaw: mappedStatus == nil ? status : nil,
            visibility: (json["is_public"] as? Bool).map { $0 ? .public : .internal },
            department: json["department"] as? String,
            experienceLevel: json["seniority"] as? String,
            salaryAmount: Self.double(json["salary_from"]) ?? Self.double(json["salary_to"]),
            openedAt: Self.date(json["opened_at"]),
            closedAt: Self.date(json["closed_at"]),
            remoteUpdatedAt: Self.date(json["updated_at"]),
            remoteData: Self.raw(json)
        )
    }

    /// The stages of a project, as application stages and job-specific stage joins.
    package func stages(ofProject json: [String: Any]) throws -> (
        stages: [ApplicationStage], joins: [JobApplicationStage]
    ) {
        let projectID = try Self.remoteID(json, "project")
        var stages: [ApplicationStage] = []
        var joins: [JobApplicationStage] = []
        for stage in json["stages"] as? [[String: Any]] ?? [] {
            let mapped = try self.stage(stage)
            stages.append(mapped)
            joins.append(
                JobApplicationStage(
                    id: self.id(.jobApplicationStage, "\(projectID)-\(mapped.remoteID ?? "")"),
                    remoteID: nil,
                    index: (stage["position"] as? Int).map(Int32.init),
                    jobID: self.id(.job, projectID),
                    stageID: mapped.id
                )
            )
        }
        return (stages, joins)
    }

    /// An application stage (global or of a project).
    package func stage(_ json: [String: Any]) throws -> ApplicationStage {
        let remoteID = try Self.remoteID(json, "stage")
        return ApplicationStage(
            id: self.id(.applicationStage, remoteID),
            remoteID: remoteID,
            name: json["name"] as? String,
            remoteData: Self.raw(json)
        )
    }

    /// The hiring team of a project.
    package func hiringTeam(ofProject json: [String: Any]) throws -> [JobHiringTeamMember] {
        let projectID = try Self.remoteID(json, "project")
        return (json["users"] as? [[String: Any]] ?? []).compactMap { member in
            guard let userID = member["user_id"].map(Self.idText) else { return nil }
            let role = member["role"] as? String
            return JobHiringTeamMember(
                id: self.id(.jobHiringTeamMember, "\(projectID)-\(userID)"),
                jobID: self.id(.job, projectID),
                userID: self.id(.user, userID),
                roles: role.map { [JobRole(remoteLabel: $0, unifiedType: Self.roles[$0])] } ?? []
            )
        }
    }

    /// A candidate, from a jobseeker, and its tag joins.
    package func candidate(_ json: [String: Any]) throws -> (candidate: Candidate, tags: [CandidateTag]) {
        let remoteID = try Self.remoteID(json, "jobseeker")
        var emails: [EmailAddress] = (json["emails"] as? [[String: Any]] ?? []).compactMap { entry in
            (entry["email"] as? String).flatMap(Self.validEmail).map {
                EmailAddress(
                    emailAddress: $0,
                    type: Self.contactType(entry["type"] as? String),
                    typeRaw: entry["type"] as? String
                )
            }
        }
        if emails.isEmpty, let email = (json["email"] as? String).flatMap(Self.validEmail) {
            emails = [EmailAddress(emailAddress: email)]
        }
        var phones: [PhoneNumber] = (json["phones"] as? [[String: Any]] ?? []).compactMap { entry in
            (entry["phone"] as? String).map {
                PhoneNumber(
                    phoneNumber: $0,
                    type: Self.contactType(entry["type"] as? String),
                    typeRaw: entry["type"] as? String
                )
            }
        }
        if phones.isEmpty, let phone = json["phone"] as? String { phones = [PhoneNumber(phoneNumber: phone)] }
        let city = json["city"] as? String
        let country = json["country"] as? String
        let candidateID = self.id(.candidate, remoteID)
        let candidate = Candidate(
            id: candidateID,
            remoteID: remoteID,
            firstName: json["first_name"] as? String,
            lastName: json["last_name"] as? String,
            company: json["current_company"] as? String,
            title: json["current_position"] as? String,
            source: (json["source"] as? [String: Any])?["name"] as? String,
            phoneNumbers: phones,
            emailAddresses: emails,
            location: city == nil && country == nil ? nil : Location(city: city, country: country),
            // Tags are the candidate-tag join's, not the candidate's own fields: tagging must
            // not move the candidate's changed_at (only its updated_after touch).
            remoteData: Self.raw(json.filter { $0.key != "tags" })
        )
        let tags = (json["tags"] as? [[String: Any]] ?? []).compactMap { tag -> CandidateTag? in
            guard let tagID = tag["id"].map(Self.idText) else { return nil }
            return CandidateTag(
                id: self.id(.candidateTag, "\(remoteID)-\(tagID)"),
                candidateID: candidateID,
                tagID: self.id(.tag, tagID)
            )
        }
        return (candidate, tags)
    }

    /// An application.
    package func application(_ json: [String: Any]) throws -> Application {
        let remoteID = try Self.remoteID(json, "application")
        let status = json["status"] as? String
        let outcome = status.flatMap { Self.outcomes[$0] }
        return Application(
            id: self.id(.application, remoteID),
            remoteID: remoteID,
            outcome: outcome,
            outcomeRaw: outcome == nil ? status : nil,
            currentStageID: json["stage_id"].map { self.id(.applicationStage, Self.idText($0)) },
            jobID: json["project_id"].map { self.id(.job, Self.idText($0)) },
            candidateID: json["jobseeker_id"].map { self.id(.candidate, Self.idText($0)) },
            remoteData: Self.raw(json)
        )
    }

    /// A tag.
    package func tag(_ json: [String: Any]) throws -> Tag {
        let remoteID = try Self.remoteID(json, "tag")
        return Tag(
            id: self.id(.tag, remoteID),
            remoteID: remoteID,
            name: json["name"] as? String,
            remoteData: Self.raw(json)
        )
    }

    // MARK: Vocabulary

    static let employmentTypes: [String: EmploymentType] = [
        "full_time": .fullTime, "part_time": .partTime, "contract": .contract, "internship": .internship,
        "seasonal": .seasonal,
    ]
    static let jobStatuses: [String: JobStatus] = [
        "open": .open, "closed": .closed, "draft": .draft, "archived": .archived,
    ]
    static let outcomes: [String: ApplicationOutcome] = ["active": .pending, "hired": .hired, "rejected": .declined]
    static let roles: [String: HiringTeamRole] = [
        "hiring_manager": .hiringManager, "recruiter": .recruiter, "coordinator": .coordinator, "sourcer": .sourcer,
        "interviewer": .interviewer, "admin": .admin,
    ]

    // MARK: Helpers

    /// A RECRU id as RECRU sends it: integers as numbers, anything else as it is.
    static func number(_ id: String) -> Any { Int(id) ?? id }

    private static func remoteID(_ json: [String: Any], _ what: String) throws -> String {
        guard let id = json["id"], !(id is NSNull) else {
            throw ATSBridgeError(.remoteUnknown, "RECRU sent a \(what) without an id")
        }
        return Self.idText(id)
    }

    /// An id's text, as `"\(value)"` writes it, without the standard library's printing of an
    /// `Any` for the two types RECRU's ids come in: mapping reads several per record.
    static func idText(_ value: Any) -> String {
        // The exact type first: a failed `as?` (a number tried as a string) costs a bridging
        // search on Linux.
        let type = ObjectIdentifier(Swift.type(of: value))
        if type == ObjectIdentifier(Int.self), let int = value as? Int { return String(int) }
        if type == ObjectIdentifier(String.self), let string = value as? String { return string }
        return "\(value)"
    }

    private static func raw(_ json: [String: Any]) -> [UInt8]? {
        JSONWriter.write(json, sortedKeys: true)
    }

    private static func double(_ value: Any?) -> Double? {
        // Parsed JSON holds native numbers; exact types first (a failed cast bridges on Linux).
        switch value {
        case let int as Int: Double(int)
        case let double as Double: double
        case is Bool, is String, nil: nil
        case let number as NSNumber: number.doubleValue
        default: nil
        }
    }

    private static func date(_ value: Any?) -> Int64? {
        guard let text = value as? String else { return nil }
        return ISODates.parse(text)
    }

    /// The unified API's email rule; invalid addresses are dropped.
    static func validEmail(_ email: String) -> String? {
        EmailRule.isValid(email) ? email : nil
    }
}

/// The RECRU records the sandbox holds, in RECRU's vocabulary (project = job, jobseeker =
/// candidate). Field names follow docs/recru-jsonrpc.md; they are our model of RECRU, not
/// known facts (see that document).
package struct SandboxUser: Sendable, Hashable, Codable {
    package var id: Int
    package var firstName: String
    package var lastName: String
    package var email: String
    package var active: Bool
}

/// A stage of a project's pipeline, or a global stage.
package struct SandboxStage: Sendable, Hashable, Codable {
    package var id: Int
    package var name: String
    package var position: Int
    /// `new`, `in_progress`, `hired` or `rejected`.
    package var type: String
}

/// A hiring-team member of a project.
package struct SandboxProjectUser: Sendable, Hashable, Codable {
    package var userID: Int
    /// `recruiter`, `hiring_manager`, or another RECRU role.
    package var role: String
}

/// A project (job).
package struct SandboxProject: Sendable, Hashable, Codable {
    package var id: Int
    package var name: String
    package var description: String
    /// `open`, `closed` or `draft`.
    package var status: String
    package var isPublic: Bool
    package var department: String?
    /// `full_time`, `part_time`, `contract`, `internship`, `temporary`.
    package var employmentType: String?
    package var seniority: String?
    package var salaryFrom: Double?
    package var salaryTo: Double?
    package var currency: String?
    package var openedAt: Int64?
    package var closedAt: Int64?
    package var closeReasonID: Int?
    package var updatedAt: Int64
    package var stages: [SandboxStage]
    package var users: [SandboxProjectUser]
}

/// Metadata of a file attached to a jobseeker; the content is kept only as its size.
package struct SandboxAttachment: Sendable, Hashable, Codable {
    package var id: Int
    package var name: String
    package var mimeType: String
    /// `cv`, `cover_letter` or `other`.
    package var type: String
    package var size: Int
}

/// A jobseeker (candidate).
package struct SandboxJobseeker: Sendable, Hashable, Codable {
    package var id: Int
    package var firstName: String
    package var lastName: String
    package var email: String?
    package var phone: String?
    package var currentCompany: String?
    package var currentPosition: String?
    package var city: String?
    package var country: String?
    package var sourceID: Int?
    package var tagIDs: [Int]
    package var gdprConsent: Bool
    package var gdprConsentUntil: Int64?
    package var attachments: [SandboxAttachment]
    /// A second, work email address, when the jobseeker has one.
    package var workEmail: String? = nil
}

/// An application: a jobseeker in a project's pipeline.
package struct SandboxApplication: Sendable, Hashable, Codable {
    package var id: Int
    package var projectID: Int
    package var jobseekerID: Int
    package var stageID: Int
    /// `active`, `rejected` or `hired`.
    package var status: String
    package var rejectionReasonID: Int?
}

/// A tag, a source, a rejection or close reason: an id and a name.
package struct SandboxNamed: Sendable, Hashable, Codable {
    package var id: Int
    package var name: String
}

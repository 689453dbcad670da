public import ATSBridgeProto

/// Records of one model of one integration, to upsert in one transaction.
///
/// Records carry their own fields; nested views (`Job.stages`, `Candidate.applications`, …) are
/// ignored here: the store assembles them from the join models at read time.
public enum RecordBatch: Sendable {
    /// Users.
    case users([User])
    /// Jobs.
    case jobs([Job])
    /// Candidates.
    case candidates([Candidate])
    /// Global application stages.
    case applicationStages([ApplicationStage])
    /// Applications.
    case applications([Application])
    /// Tags.
    case tags([Tag])
    /// Candidate tags (join).
    case candidateTags([CandidateTag])
    /// Job-specific stages (join).
    case jobApplicationStages([JobApplicationStage])
    /// Hiring-team members (join).
    case jobHiringTeamMembers([JobHiringTeamMember])

    /// The model of the batch.
    public var model: Model {
        switch self {
        case .users: .user
        case .jobs: .job
        case .candidates: .candidate
        case .applicationStages: .applicationStage
        case .applications: .application
        case .tags: .tag
        case .candidateTags: .candidateTag
        case .jobApplicationStages: .jobApplicationStage
        case .jobHiringTeamMembers: .jobHiringTeamMember
        }
    }

    /// How many records the batch holds.
    public var count: Int {
        switch self {
        case .users(let records): records.count
        case .jobs(let records): records.count
        case .candidates(let records): records.count
        case .applicationStages(let records): records.count
        case .applications(let records): records.count
        case .tags(let records): records.count
        case .candidateTags(let records): records.count
        case .jobApplicationStages(let records): records.count
        case .jobHiringTeamMembers(let records): records.count
        }
    }

    /// The ids of the batch's records, in order.
    public var ids: [String] {
        switch self {
        case .users(let records): records.map(\.id)
        case .jobs(let records): records.map(\.id)
        case .candidates(let records): records.map(\.id)
        case .applicationStages(let records): records.map(\.id)
        case .applications(let records): records.map(\.id)
        case .tags(let records): records.map(\.id)
        case .candidateTags(let records): records.map(\.id)
        case .jobApplicationStages(let records): records.map(\.id)
        case .jobHiringTeamMembers(let records): records.map(\.id)
        }
    }

    /// Appends another batch's records; batches of different models cannot be merged.
    ///
    /// - Returns: false (and changes nothing) when `other` holds another model.
    @discardableResult
    public mutating func append(contentsOf other: RecordBatch) -> Bool {
        switch (self, other) {
        case (.users(let a), .users(let b)): self = .users(a + b)
        case (.jobs(let a), .jobs(let b)): self = .jobs(a + b)
        case (.candidates(let a), .candidates(let b)): self = .candidates(a + b)
        case (.applicationStages(let a), .applicationStages(let b)): self = .applicationStages(a + b)
        case (.applications(let a), .applications(let b)): self = .applications(a + b)
        case (.tags(let a), .tags(let b)): self = .tags(a + b)
        case (.candidateTags(let a), .candidateTags(let b)): self = .candidateTags(a + b)
        case (.jobApplicationStages(let a), .jobApplicationStages(let b)): self = .jobApplicationStages(a + b)
        case (.jobHiringTeamMembers(let a), .jobHiringTeamMembers(let b)): self = .jobHiringTeamMembers(a + b)
        default: return false
        }
        return true
    }
}

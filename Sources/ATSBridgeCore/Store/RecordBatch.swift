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
}

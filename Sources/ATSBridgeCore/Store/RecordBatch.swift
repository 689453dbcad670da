public import ATSBridgeProto

/// Records of one model of one integration, to upsert in one transaction.
///
/// Records carry their own fields; nested views (`Job.stages`, `Candidate.applications`, …) are
/// ignored here: the store assembles them from the join models at read time.
public enum RecordBatch: Sendable {
    case users([User])
    case jobs([Job])
    case candidates([Candidate])
    case applicationStages([ApplicationStage])
    case applications([Application])
    case tags([Tag])
    case candidateTags([CandidateTag])
    case jobApplicationStages([JobApplicationStage])
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

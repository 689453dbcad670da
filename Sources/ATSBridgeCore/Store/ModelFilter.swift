public import ATSBridgeProto

/// The filters of one model's list, beyond the common ones.
public enum ModelFilter: Sendable, Hashable {
    /// No model filter.
    case none
    /// Jobs: statuses, employment types, visibilities (OR within each), and a name substring.
    case jobs(
        statuses: [JobStatus],
        employmentTypes: [EmploymentType],
        visibilities: [Visibility],
        nameContains: String?
    )
    /// Candidates: an email (case-insensitive, any address), applied-to jobs, first and last name
    /// (case-insensitive exact).
    case candidates(email: String?, jobIDs: [String], firstName: String?, lastName: String?)
    /// Applications: outcomes, jobs by id or RECRU id, current stages.
    case applications(
        outcomes: [ApplicationOutcome],
        jobIDs: [String],
        jobRemoteIDs: [String],
        currentStageIDs: [String]
    )
    /// Users: emails (case-insensitive, any match).
    case users(emails: [String])
}

extension ModelFilter {
    /// Whether the filter selects every record: `.none`, or a model's case with no field set.
    /// A list request always carries its model's case, so an unfiltered list is an empty one.
    public var isEmpty: Bool {
        switch self {
        case .none:
            true
        case .jobs(let statuses, let employmentTypes, let visibilities, let nameContains):
            // An empty substring matches every name; both stores skip it.
            statuses.isEmpty && employmentTypes.isEmpty && visibilities.isEmpty && (nameContains ?? "").isEmpty
        case .candidates(let email, let jobIDs, let firstName, let lastName):
            email == nil && jobIDs.isEmpty && firstName == nil && lastName == nil
        case .applications(let outcomes, let jobIDs, let jobRemoteIDs, let currentStageIDs):
            outcomes.isEmpty && jobIDs.isEmpty && jobRemoteIDs.isEmpty && currentStageIDs.isEmpty
        case .users(let emails):
            emails.isEmpty
        }
    }
}

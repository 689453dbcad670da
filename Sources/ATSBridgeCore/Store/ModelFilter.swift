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

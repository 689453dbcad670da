public import ATSBridgeProto

/// What a remote create returns: the new candidate, its tag joins and its application, mapped
/// as a sync would map them, and warnings for the caller.
public struct CreatedApplication: Sendable {
    /// The candidate.
    public var candidate: Candidate
    /// The candidate's tag joins.
    public var candidateTags: [CandidateTag]
    /// The application.
    public var application: Application
    /// What the caller should know, e.g. an input the remote could not keep as sent.
    public var warnings: [String]

    /// Creates a result.
    public init(
        candidate: Candidate,
        candidateTags: [CandidateTag],
        application: Application,
        warnings: [String] = []
    ) {
        self.candidate = candidate
        self.candidateTags = candidateTags
        self.application = application
        self.warnings = warnings
    }
}

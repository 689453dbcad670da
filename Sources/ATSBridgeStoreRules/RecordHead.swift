/// What nested-view assembly needs of a record whose view it builds: its id and relations.
public struct RecordHead: Sendable, Hashable {
    /// The ATSBridge id.
    public var id: String
    /// An application's candidate.
    public var candidateID: String?
    /// An application's job.
    public var jobID: String?
    /// An application's current stage.
    public var stageID: String?

    /// Creates a head.
    public init(id: String, candidateID: String? = nil, jobID: String? = nil, stageID: String? = nil) {
        self.id = id
        self.candidateID = candidateID
        self.jobID = jobID
        self.stageID = stageID
    }
}

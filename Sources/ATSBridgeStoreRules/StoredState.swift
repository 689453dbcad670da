/// What a backend knows of a record before an upsert changes it: the columns the change rules
/// compare against. Backends fetch it for a batch's ids (see ``UpsertPlan/storedColumns``).
public struct StoredState: Sendable, Hashable {
    /// The stored hash of the record's own fields.
    public var hash: [UInt8]
    /// Whether the record is marked deleted upstream.
    public var deleted: Bool
    /// The candidate it pointed at (applications, candidate tags).
    public var candidateID: String?
    /// The job it pointed at (applications, job joins).
    public var jobID: String?

    /// Creates a stored state.
    public init(hash: [UInt8], deleted: Bool, candidateID: String?, jobID: String?) {
        self.hash = hash
        self.deleted = deleted
        self.candidateID = candidateID
        self.jobID = jobID
    }
}

extension RecordBatch {
    /// The records at `range` (positions in the batch), as a batch of the same model.
    public func slice(_ range: Range<Int>) -> RecordBatch {
        switch self {
        case .users(let records): .users(Array(records[range]))
        case .jobs(let records): .jobs(Array(records[range]))
        case .candidates(let records): .candidates(Array(records[range]))
        case .applicationStages(let records): .applicationStages(Array(records[range]))
        case .applications(let records): .applications(Array(records[range]))
        case .tags(let records): .tags(Array(records[range]))
        case .candidateTags(let records): .candidateTags(Array(records[range]))
        case .jobApplicationStages(let records): .jobApplicationStages(Array(records[range]))
        case .jobHiringTeamMembers(let records): .jobHiringTeamMembers(Array(records[range]))
        }
    }
}

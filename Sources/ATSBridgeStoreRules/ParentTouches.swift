public import ATSBridgeCore
public import ATSBridgeProto

/// Parents whose nested data changed in one write (ARCHITECTURE.md, "Read semantics"): their
/// `touched_at` moves and they are logged as TOUCHED, while their own `changed_at` stays.
public struct ParentTouches: Sendable, Hashable {
    /// Candidates whose applications or tags were added, removed or changed.
    public private(set) var candidates: Set<String> = []
    /// Jobs whose stages or hiring team were added or removed.
    public private(set) var jobs: Set<String> = []
    /// Candidates whose applications are touched (the application's candidate changed).
    public private(set) var applicationsOfCandidates: Set<String> = []
    /// Stages whose applications are touched (the application's current stage changed).
    public private(set) var applicationsOfStages: Set<String> = []

    /// Creates an empty set of touches.
    public init() {}

    /// Whether nothing is touched.
    public var isEmpty: Bool {
        self.candidates.isEmpty && self.jobs.isEmpty && self.applicationsOfCandidates.isEmpty
            && self.applicationsOfStages.isEmpty
    }

    /// A record of `model` was created or changed (`stored` is what it was before, nil when new).
    public mutating func recordWritten(_ model: Model, row: RecordRow, stored: StoredState?) {
        switch model {
        case .application, .candidateTag:
            // A candidate's applications or tags were added, removed or changed.
            if let id = row.candidateID { self.candidates.insert(id) }
            if let id = stored?.candidateID, id != row.candidateID { self.candidates.insert(id) }
        case .jobApplicationStage, .jobHiringTeamMember:
            // A job's stages or hiring team were added or removed.
            if let id = row.jobID { self.jobs.insert(id) }
            if let id = stored?.jobID, id != row.jobID { self.jobs.insert(id) }
        case .candidate where stored != nil:
            // An application's candidate changed.
            self.applicationsOfCandidates.insert(row.id)
        case .applicationStage where stored != nil:
            // An application's current stage changed.
            self.applicationsOfStages.insert(row.id)
        default:
            break
        }
    }

    /// A record of `model` pointing at `candidateID` and `jobID` was marked deleted.
    public mutating func recordDeleted(_ model: Model, candidateID: String?, jobID: String?) {
        switch model {
        case .application, .candidateTag:
            if let candidateID { self.candidates.insert(candidateID) }
        case .jobApplicationStage, .jobHiringTeamMember:
            if let jobID { self.jobs.insert(jobID) }
        default:
            break
        }
    }

    /// What a backend updates, in this order: for each target, the live or deleted records of
    /// `model` whose `column` is one of `keys` and whose touched time is before the write's get
    /// the write's time, and each updated record is logged TOUCHED.
    ///
    /// - Parameter skipping: ids written by the same batch (created or changed), which need no
    ///   touch of their own.
    public func targets(skipping: Set<String>) -> [TouchTarget] {
        [
            TouchTarget(model: .candidate, column: .id, keys: Self.sorted(self.candidates.subtracting(skipping))),
            TouchTarget(model: .job, column: .id, keys: Self.sorted(self.jobs.subtracting(skipping))),
            TouchTarget(model: .application, column: .candidateID, keys: Self.sorted(self.applicationsOfCandidates)),
            TouchTarget(model: .application, column: .stageID, keys: Self.sorted(self.applicationsOfStages)),
        ].filter { !$0.keys.isEmpty }
    }

    /// Keys in the order of the stores' indexes (bytes), which is also the cheaper sort.
    private static func sorted(_ keys: Set<String>) -> [String] {
        RecordRow.uniqueSorted(Array(keys))
    }
}

public import ATSBridgeCore
public import ATSBridgeProto

/// Parents whose nested data changed in one write (ARCHITECTURE.md, "Read semantics"): their
/// `touched_at` moves and they are logged as TOUCHED, while their own `changed_at` stays.
public struct ParentTouches: Sendable, Hashable {
    // Keyed by the ids' bytes (``ExactID``), as the stores key records.
    /// Candidates whose applications or tags were added, removed or changed.
    private var candidates: Set<ExactID> = []
    /// Jobs whose stages or hiring team were added or removed.
    private var jobs: Set<ExactID> = []
    /// Candidates whose applications are touched (the application's candidate changed).
    private var applicationsOfCandidates: Set<ExactID> = []
    /// Stages whose applications are touched (the application's current stage changed).
    private var applicationsOfStages: Set<ExactID> = []

    /// Creates an empty set of touches.
    public init() {}

    /// Whether nothing is touched.
    public var isEmpty: Bool {
        self.candidates.isEmpty && self.jobs.isEmpty && self.applicationsOfCandidates.isEmpty
            && self.applicationsOfStages.isEmpty
    }

    /// A record of `model` with `id`, pointing at `candidateID` and `jobID`, was created or
    /// changed (`stored` is what it was before, nil when new). The fields, not the row: passing
    /// a row read in place copied it whole, retaining each of its texts.
    public mutating func recordWritten(
        _ model: Model,
        id: String,
        candidateID: String?,
        jobID: String?,
        stored: StoredState?
    ) {
        switch model {
        case .application, .candidateTag:
            // A candidate's applications or tags were added, removed or changed.
            if let candidateID { self.candidates.insert(ExactID(candidateID)) }
            if let id = stored?.candidateID { self.candidates.insert(ExactID(id)) }
        case .jobApplicationStage, .jobHiringTeamMember:
            // A job's stages or hiring team were added or removed.
            if let jobID { self.jobs.insert(ExactID(jobID)) }
            if let id = stored?.jobID { self.jobs.insert(ExactID(id)) }
        case .candidate where stored != nil:
            // An application's candidate changed.
            self.applicationsOfCandidates.insert(ExactID(id))
        case .applicationStage where stored != nil:
            // An application's current stage changed.
            self.applicationsOfStages.insert(ExactID(id))
        default:
            break
        }
    }

    /// A record of `model` pointing at `candidateID` and `jobID` was marked deleted.
    public mutating func recordDeleted(_ model: Model, candidateID: String?, jobID: String?) {
        switch model {
        case .application, .candidateTag:
            if let candidateID { self.candidates.insert(ExactID(candidateID)) }
        case .jobApplicationStage, .jobHiringTeamMember:
            if let jobID { self.jobs.insert(ExactID(jobID)) }
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
    public func targets(skipping: Set<ExactID>) -> [TouchTarget] {
        [
            TouchTarget(model: .candidate, column: .id, keys: self.candidates.subtracting(skipping).byteSorted),
            TouchTarget(model: .job, column: .id, keys: self.jobs.subtracting(skipping).byteSorted),
            TouchTarget(model: .application, column: .candidateID, keys: self.applicationsOfCandidates.byteSorted),
            TouchTarget(model: .application, column: .stageID, keys: self.applicationsOfStages.byteSorted),
        ].filter { !$0.keys.isEmpty }
    }
}

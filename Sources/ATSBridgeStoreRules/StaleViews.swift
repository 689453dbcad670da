import ATSBridgeCore
public import ATSBridgeProto

/// The kept nested views a write makes stale, collected per transaction; a backend then clears
/// the views each of ``rules`` names.
///
/// A view shows summaries of other records, so a change to one record can make the views of
/// others stale: a job's name is in its applications and in their candidates' applications, a
/// tag's name in its candidates and their applications (as the candidate summary's tags), a
/// stage's name and index in applications, candidates and jobs, a user in the jobs whose hiring
/// team holds them. A stale view is refilled by a background refresh, and reads assemble it on
/// the fly until then, so what a read returns never depends on timing.
public struct StaleViews: Sendable, Hashable {
    // Keyed by the ids' bytes (``ExactID``), as the stores key records.
    private var candidates: Set<ExactID> = []
    private var jobs: Set<ExactID> = []
    private var applicationsOfCandidates: Set<ExactID> = []
    private var byJob: Set<ExactID> = []
    private var byStage: Set<ExactID> = []
    private var byTag: Set<ExactID> = []
    private var byUser: Set<ExactID> = []

    /// Creates an empty collection.
    public init() {}

    /// A record of `model` was created, changed, deleted or blanked; `candidateID` and `jobID`
    /// are its relations (call again with the old ones when they moved).
    public mutating func recordChanged(_ model: Model, id: String, candidateID: String?, jobID: String?) {
        switch model {
        case .candidate:
            self.applicationsOfCandidates.insert(ExactID(id))
        case .application:
            if let candidateID { self.candidates.insert(ExactID(candidateID)) }
        case .candidateTag:
            if let candidateID {
                self.candidates.insert(ExactID(candidateID))
                self.applicationsOfCandidates.insert(ExactID(candidateID))
            }
        case .job:
            self.byJob.insert(ExactID(id))
        case .jobApplicationStage:
            // The stage's index shows in the job's stages and in applications' stage summaries.
            if let jobID {
                self.jobs.insert(ExactID(jobID))
                self.byJob.insert(ExactID(jobID))
            }
        case .jobHiringTeamMember:
            if let jobID { self.jobs.insert(ExactID(jobID)) }
        case .applicationStage:
            self.byStage.insert(ExactID(id))
        case .tag:
            self.byTag.insert(ExactID(id))
        case .user:
            self.byUser.insert(ExactID(id))
        default:
            break
        }
    }

    /// The views to clear, each non-empty, keys sorted.
    public var rules: [StaleViewRule] {
        let all = [
            StaleViewRule(model: .candidate, column: .id, keys: self.candidates),
            StaleViewRule(model: .job, column: .id, keys: self.jobs),
            StaleViewRule(model: .application, column: .candidateID, keys: self.applicationsOfCandidates),
            // A job's name: its applications, and their candidates.
            StaleViewRule(model: .application, column: .jobID, keys: self.byJob),
            StaleViewRule(
                model: .candidate,
                column: .id,
                keys: self.byJob,
                via: .init(model: .application, column: .jobID, select: .candidateID)
            ),
            // A stage: applications in it, their candidates, the jobs whose pipeline holds it.
            StaleViewRule(model: .application, column: .stageID, keys: self.byStage),
            StaleViewRule(
                model: .candidate,
                column: .id,
                keys: self.byStage,
                via: .init(model: .application, column: .stageID, select: .candidateID)
            ),
            StaleViewRule(
                model: .job,
                column: .id,
                keys: self.byStage,
                via: .init(model: .jobApplicationStage, column: .stageID, select: .jobID)
            ),
            // A tag's name: its candidates, and their applications' candidate summaries.
            StaleViewRule(
                model: .candidate,
                column: .id,
                keys: self.byTag,
                via: .init(model: .candidateTag, column: .tagID, select: .candidateID)
            ),
            StaleViewRule(
                model: .application,
                column: .candidateID,
                keys: self.byTag,
                via: .init(model: .candidateTag, column: .tagID, select: .candidateID)
            ),
            // A user: the jobs whose hiring team holds them.
            StaleViewRule(
                model: .job,
                column: .id,
                keys: self.byUser,
                via: .init(model: .jobHiringTeamMember, column: .userID, select: .jobID)
            ),
        ]
        return all.filter { !$0.keys.isEmpty }
    }
}

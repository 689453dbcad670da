import ATSBridgeCore
import ATSBridgeProto
import GRDB

/// The kept nested views a write makes stale, collected per transaction and then set to NULL.
///
/// A view shows summaries of other records, so a change to one record can make the views of
/// others stale: a job's name is in its applications and in their candidates' applications, a
/// tag's name in its candidates and their applications (as the candidate summary's tags), a
/// stage's name and index in applications, candidates and jobs, a user in the jobs whose hiring
/// team holds them. A stale view is refilled by ``SQLiteStore/refreshStaleViews(limit:)``, and
/// reads assemble it on the fly until then, so what a read returns never depends on timing.
struct StaleViews {
    private var candidates: Set<String> = []
    private var jobs: Set<String> = []
    private var applicationsOfCandidates: Set<String> = []
    private var byJob: Set<String> = []
    private var byStage: Set<String> = []
    private var byTag: Set<String> = []
    private var byUser: Set<String> = []

    /// A record of `model` was created, changed, deleted or blanked; `candidateID` and `jobID`
    /// are its relations (call again with the old ones when they moved).
    mutating func recordChanged(_ model: Model, id: String, candidateID: String?, jobID: String?) {
        switch model {
        case .candidate:
            self.applicationsOfCandidates.insert(id)
        case .application:
            if let candidateID { self.candidates.insert(candidateID) }
        case .candidateTag:
            if let candidateID {
                self.candidates.insert(candidateID)
                self.applicationsOfCandidates.insert(candidateID)
            }
        case .job:
            self.byJob.insert(id)
        case .jobApplicationStage:
            // The stage's index shows in the job's stages and in applications' stage summaries.
            if let jobID {
                self.jobs.insert(jobID)
                self.byJob.insert(jobID)
            }
        case .jobHiringTeamMember:
            if let jobID { self.jobs.insert(jobID) }
        case .applicationStage:
            self.byStage.insert(id)
        case .tag:
            self.byTag.insert(id)
        case .user:
            self.byUser.insert(id)
        default:
            break
        }
    }

    /// Which rows one collected set of keys makes stale: rows of `model` whose `column` is a
    /// key, or, with `via`, whose `column` is the `select` column of `via`'s rows matching a key.
    private struct Rule {
        var model: Model
        var column: String
        var keys: Set<String>
        var via: (model: Model, column: String, select: String)?
    }

    private var rules: [Rule] {
        [
            Rule(model: .candidate, column: "id", keys: self.candidates),
            Rule(model: .job, column: "id", keys: self.jobs),
            Rule(model: .application, column: "candidate_id", keys: self.applicationsOfCandidates),
            // A job's name: its applications, and their candidates.
            Rule(model: .application, column: "job_id", keys: self.byJob),
            Rule(model: .candidate, column: "id", keys: self.byJob, via: (.application, "job_id", "candidate_id")),
            // A stage: applications in it, their candidates, the jobs whose pipeline holds it.
            Rule(model: .application, column: "stage_id", keys: self.byStage),
            Rule(model: .candidate, column: "id", keys: self.byStage, via: (.application, "stage_id", "candidate_id")),
            Rule(model: .job, column: "id", keys: self.byStage, via: (.jobApplicationStage, "stage_id", "job_id")),
            // A tag's name: its candidates, and their applications' candidate summaries.
            Rule(model: .candidate, column: "id", keys: self.byTag, via: (.candidateTag, "tag_id", "candidate_id")),
            Rule(
                model: .application,
                column: "candidate_id",
                keys: self.byTag,
                via: (.candidateTag, "tag_id", "candidate_id")
            ),
            // A user: the jobs whose hiring team holds them.
            Rule(model: .job, column: "id", keys: self.byUser, via: (.jobHiringTeamMember, "user_id", "job_id")),
        ]
    }

    /// Sets the collected views to NULL, inside the caller's transaction.
    func apply(_ db: Database, _ integrationID: String) throws {
        for rule in self.rules where !rule.keys.isEmpty {
            for chunk in rule.keys.sorted().chunked(500) {
                var keys = "(" + (0..<chunk.count).map { "?\($0 + 2)" }.joined(separator: ", ") + ")"
                if let via = rule.via {
                    keys = """
                        (SELECT \(via.select) FROM records WHERE integration_id = ?1 AND model = \(via.model.rawValue)
                        AND \(via.column) IN \(keys))
                        """
                }
                try db.execute(
                    sql: """
                        UPDATE records SET view = NULL WHERE integration_id = ?1 AND model = \(rule.model.rawValue)
                        AND \(rule.column) IN \(keys) AND view IS NOT NULL
                        """,
                    arguments: SQLiteStore.arguments([integrationID] + chunk.map { $0 as any DatabaseValueConvertible })
                )
            }
        }
    }
}

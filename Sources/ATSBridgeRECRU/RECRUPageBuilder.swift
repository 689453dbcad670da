import ATSBridgeCore
import ATSBridgeProto

/// Collects a list page's records source by source (one RECRU list item each), and with a
/// fingerprint, the source's ``SourceHash``: which records it was mapped to.
///
/// A source any part of which cannot be mapped (no id, wrong shape) is counted and skipped
/// whole rather than failing the sync.
struct RECRUPageBuilder {
    /// The model the page lists: user, job (projects), application or candidate (jobseekers).
    let model: Model
    let mapper: RECRUMapper

    private var users: [User] = []
    private var jobs: [Job] = []
    private var stages: [ApplicationStage] = []
    private var stageJoins: [JobApplicationStage] = []
    private var hiringTeam: [JobHiringTeamMember] = []
    private var applications: [Application] = []
    private var candidates: [Candidate] = []
    private var candidateTags: [CandidateTag] = []
    private var skipped = 0
    private var unchanged: [Model: [String]] = [:]
    private var unchangedSources = 0
    private var sources: [SourceHash] = []

    init(model: Model, mapper: RECRUMapper) {
        self.model = model
        self.mapper = mapper
    }

    /// Maps one source; with `fingerprint` (and the source's remote id), remembers its
    /// ``SourceHash``.
    mutating func add(_ item: Any, remoteID: String? = nil, fingerprint: [UInt8]? = nil) {
        guard let json = item as? [String: Any] else {
            self.skipped += 1
            return
        }
        let mapped: (id: String, related: [Model: [String]])
        do {
            mapped = try self.map(json)
        } catch {
            self.skipped += 1
            return
        }
        if let remoteID, let fingerprint {
            self.sources.append(
                SourceHash(
                    model: self.model,
                    remoteID: remoteID,
                    hash: fingerprint,
                    recordID: mapped.id,
                    related: mapped.related.filter { !$0.value.isEmpty }
                )
            )
        }
    }

    /// A source the sync mapped before and that did not change: its records count as listed.
    mutating func addUnchanged(_ source: SourceHash) {
        self.unchangedSources += 1
        self.unchanged[self.model, default: []].append(source.recordID)
        for (model, ids) in source.related { self.unchanged[model, default: []] += ids }
    }

    /// The records mapped so far, one batch per model the page lists.
    var page: RemotePage {
        let batches: [RecordBatch] =
            switch self.model {
            case .user: [.users(self.users)]
            case .job:
                [
                    .jobs(self.jobs), .applicationStages(self.stages), .jobApplicationStages(self.stageJoins),
                    .jobHiringTeamMembers(self.hiringTeam),
                ]
            case .application: [.applications(self.applications)]
            default: [.candidates(self.candidates), .candidateTags(self.candidateTags)]
            }
        return RemotePage(
            batches: batches,
            skipped: self.skipped,
            unchanged: self.unchanged,
            unchangedSources: self.unchangedSources,
            sources: self.sources
        )
    }

    /// Maps one source into the page; returns its record's id and the other records' ids.
    private mutating func map(_ json: [String: Any]) throws -> (id: String, related: [Model: [String]]) {
        switch self.model {
        case .user:
            let user = try self.mapper.user(json)
            self.users.append(user)
            return (user.id, [:])
        case .job:
            // All of a project or nothing.
            let job = try self.mapper.job(json)
            let projectStages = try self.mapper.stages(ofProject: json)
            let team = try self.mapper.hiringTeam(ofProject: json)
            self.jobs.append(job)
            self.stages += projectStages.stages
            self.stageJoins += projectStages.joins
            self.hiringTeam += team
            return (
                job.id,
                [
                    .applicationStage: projectStages.stages.map(\.id),
                    .jobApplicationStage: projectStages.joins.map(\.id),
                    .jobHiringTeamMember: team.map(\.id),
                ]
            )
        case .application:
            let application = try self.mapper.application(json)
            self.applications.append(application)
            return (application.id, [:])
        default:
            let (candidate, tags) = try self.mapper.candidate(json)
            self.candidates.append(candidate)
            self.candidateTags += tags
            return (candidate.id, [.candidateTag: tags.map(\.id)])
        }
    }
}

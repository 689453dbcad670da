import ATSBridgeCore
import ATSBridgeProto

extension NestedViewAssembly {
    /// A stage in the context of a job, whose index depends on the job.
    struct StageKey: Hashable {
        var jobID: String?
        var stageID: String
    }

    /// Each record's nested views, in the records' order, encoded as extra fields of its
    /// message (empty for a record without any, and for models without views).
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.STORE_CORRUPT` when a stored record cannot be
    ///   decoded or a summary cannot be encoded.
    public func views() throws -> [[UInt8]] {
        do {
            switch self.model {
            case .candidate: return try self.candidateViews()
            case .job: return try self.jobViews()
            case .application: return try self.applicationViews()
            default: return Array(repeating: [], count: self.records.count)
            }
        } catch let error as ProtoCodecError {
            throw ATSBridgeError(.storeCorrupt, "a stored record's nested view cannot be assembled", cause: error)
        }
    }

    private func candidateViews() throws -> [[UInt8]] {
        let jobs = self.jobSummaries()
        let stages = self.stageSummaries()
        var applications: [String: [CandidateApplication]] = [:]
        for row in self.rows(.applications) {
            guard let candidateID = row.candidateID else { continue }
            applications[candidateID, default: []].append(
                CandidateApplication(
                    id: row.id,
                    remoteID: row.remoteID,
                    changedAt: row.changedAt,
                    outcome: row.outcome.map { ApplicationOutcome(rawValue: $0) },
                    outcomeRaw: row.outcomeRaw,
                    currentStage: row.stageID.flatMap { stages[StageKey(jobID: row.jobID, stageID: $0)] },
                    job: row.jobID.flatMap { jobs[$0] }
                )
            )
        }
        let tags = self.tagsByCandidate()
        return try self.records.map { record in
            var view: [UInt8] = []
            for application in applications[record.id] ?? [] {
                ProtoWire.appendLengthDelimited(
                    field: Candidate.FieldNumber.applications,
                    try application.encode(),
                    to: &view
                )
            }
            for tag in tags[record.id] ?? [] {
                ProtoWire.appendLengthDelimited(field: Candidate.FieldNumber.tags, try tag.encode(), to: &view)
            }
            return view
        }
    }

    private func jobViews() throws -> [[UInt8]] {
        let stageRows = Dictionary(self.rows(.stages).map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        var stages: [String: [JobStage]] = [:]
        let joins = self.rows(.jobStages).compactMap { row in
            row.jobID.flatMap { job in row.stageID.map { (job: job, stage: $0, index: row.stageIndex) } }
        }
        for join in joins.sorted(by: { ($0.index ?? .max) < ($1.index ?? .max) }) {
            let stage = stageRows[join.stage]
            stages[join.job, default: []].append(
                JobStage(id: join.stage, remoteID: stage?.remoteID, name: stage?.name, index: join.index)
            )
        }
        var users: [String: HiringTeamMember] = [:]
        for row in self.rows(.users) {
            users[row.id] = HiringTeamMember(
                id: row.id,
                remoteID: row.remoteID,
                firstName: row.firstName,
                lastName: row.lastName,
                email: row.email
            )
        }
        var teams: [String: [HiringTeamMember]] = [:]
        for (job, member) in try self.hiringTeamJoins() {
            guard let userID = member.userID, var user = users[userID] else { continue }
            user.roles = member.roles
            teams[job, default: []].append(user)
        }
        return try self.records.map { record in
            var view: [UInt8] = []
            for stage in stages[record.id] ?? [] {
                ProtoWire.appendLengthDelimited(field: Job.FieldNumber.stages, try stage.encode(), to: &view)
            }
            for member in teams[record.id] ?? [] {
                ProtoWire.appendLengthDelimited(field: Job.FieldNumber.hiringTeam, try member.encode(), to: &view)
            }
            return view
        }
    }

    private func applicationViews() throws -> [[UInt8]] {
        var candidates: [String: ApplicationCandidate] = [:]
        for row in self.rows(.candidates) {
            guard let data = row.data else { continue }
            let candidate = try data.withUnsafeBytes { try Candidate(decoding: $0, limits: .default) }
            candidates[row.id] = ApplicationCandidate(
                id: candidate.id,
                remoteID: candidate.remoteID,
                firstName: candidate.firstName,
                lastName: candidate.lastName,
                emailAddresses: candidate.emailAddresses,
                phoneNumbers: candidate.phoneNumbers,
                source: candidate.source
            )
        }
        for (candidate, tags) in self.tagsByCandidate() {
            candidates[candidate]?.tags = tags
        }
        let jobs = self.jobSummaries()
        let stages = self.stageSummaries()
        return try self.records.map { record in
            var view: [UInt8] = []
            if let id = record.candidateID, let candidate = candidates[id] {
                ProtoWire.appendLengthDelimited(
                    field: Application.FieldNumber.candidate,
                    try candidate.encode(),
                    to: &view
                )
            }
            if let id = record.stageID, let stage = stages[StageKey(jobID: record.jobID, stageID: id)] {
                ProtoWire.appendLengthDelimited(
                    field: Application.FieldNumber.currentStage,
                    try stage.encode(),
                    to: &view
                )
            }
            if let id = record.jobID, let job = jobs[id] {
                ProtoWire.appendLengthDelimited(field: Application.FieldNumber.job, try job.encode(), to: &view)
            }
            return view
        }
    }

    /// Job summaries by id.
    private func jobSummaries() -> [String: JobSummary] {
        var jobs: [String: JobSummary] = [:]
        for row in self.rows(.jobs) {
            jobs[row.id] = JobSummary(id: row.id, remoteID: row.remoteID, name: row.name)
        }
        return jobs
    }

    /// Stage summaries with their index in the given job's pipeline, for every stage fetched.
    private func stageSummaries() -> [StageKey: StageSummary] {
        var stages: [String: ChildRow] = [:]
        for row in self.rows(.stages) { stages[row.id] = row }
        var summaries: [StageKey: StageSummary] = [:]
        var indexes: [StageKey: Int32] = [:]
        for row in self.rows(.stageIndexes) {
            guard let stageID = row.stageID, let index = row.stageIndex else { continue }
            indexes[StageKey(jobID: row.jobID, stageID: stageID)] = index
        }
        let pairs: [StageKey]
        switch self.model {
        case .candidate:
            pairs = self.rows(.applications).compactMap { a in a.stageID.map { StageKey(jobID: a.jobID, stageID: $0) } }
        default:
            pairs = self.records.compactMap { r in r.stageID.map { StageKey(jobID: r.jobID, stageID: $0) } }
        }
        for key in pairs {
            guard let stage = stages[key.stageID] else { continue }
            summaries[key] = StageSummary(
                id: key.stageID,
                remoteID: stage.remoteID,
                name: stage.name,
                index: indexes[key]
            )
        }
        return summaries
    }

    /// Each candidate's live tags, in join order.
    private func tagsByCandidate() -> [String: [TagSummary]] {
        var tags: [String: TagSummary] = [:]
        for row in self.rows(.tags) {
            tags[row.id] = TagSummary(id: row.id, remoteID: row.remoteID, name: row.name)
        }
        var result: [String: [TagSummary]] = [:]
        for join in self.rows(.candidateTags) {
            guard let candidateID = join.candidateID, let tagID = join.tagID, let tag = tags[tagID] else { continue }
            result[candidateID, default: []].append(tag)
        }
        return result
    }
}

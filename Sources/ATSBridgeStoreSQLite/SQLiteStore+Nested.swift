import ATSBridgeCore
import ATSBridgeProto
import Foundation
import GRDB

/// Assembles the records of a page: the stored own fields, the store-managed times, and the
/// nested views, each looked up for the whole page at once (never one query per row). The
/// stored bytes are not decoded: times and nested views are appended as extra fields.
extension SQLiteStore {
    /// The models whose records carry nested views (jobs, candidates, applications).
    static let nestedModels: Set<Model> = [.job, .candidate, .application]
    /// `(2, 3, 5)`: the nested models' numbers, for SQL.
    static let nestedModelList = "(" + nestedModels.map { String($0.rawValue) }.sorted().joined(separator: ", ") + ")"

    /// The records as sent: stored own fields, store-managed times, and nested views (the kept
    /// ones, or assembled now for records whose kept view is stale).
    static func assemble(
        _ db: Database,
        _ model: Model,
        _ integrationID: String,
        _ records: [FetchedRecord],
        contiguous: Bool = false
    ) throws -> [[UInt8]] {
        guard !records.isEmpty else { return [] }
        var out = records.map { record -> [UInt8] in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(record.data.count + 24 + (record.view?.count ?? 0))
            bytes.append(contentsOf: record.data)
            // Every model has changed_at = 3 and remote_deleted_at = 4.
            ProtoWire.appendVarintField(field: 3, record.changedAt, to: &bytes)
            if let deleted = record.remoteDeletedAt { ProtoWire.appendVarintField(field: 4, deleted, to: &bytes) }
            if let view = record.view { bytes.append(contentsOf: view) }
            return bytes
        }
        guard self.nestedModels.contains(model) else { return out }
        let stale = records.indices.filter { records[$0].view == nil }
        guard !stale.isEmpty else { return out }
        let views = try self.nestedViews(
            db,
            model,
            integrationID,
            stale.map { records[$0] },
            contiguous: contiguous && stale.count == records.count
        )
        for (view, index) in zip(views, stale) { out[index].append(contentsOf: view) }
        return out
    }

    /// The nested views of each record, encoded as the extra fields of its message, each looked
    /// up for all the records at once (never one query per row).
    static func nestedViews(
        _ db: Database,
        _ model: Model,
        _ integrationID: String,
        _ records: [FetchedRecord],
        contiguous: Bool = false
    ) throws -> [[UInt8]] {
        var out = [[UInt8]](repeating: [], count: records.count)
        var lookup = NestedLookup(db: db, integrationID: integrationID)
        lookup.contiguous = contiguous
        switch model {
        case .candidate:
            let ids = records.map(\.id)
            try append(lookup.applications(ofCandidates: ids), field: 14, of: records, to: &out)
            try append(lookup.tags(ofCandidates: ids, pageKeys: true), field: 15, of: records, to: &out)
        case .job:
            let ids = records.map(\.id)
            try append(lookup.stages(ofJobs: ids), field: 20, of: records, to: &out)
            try append(lookup.hiringTeams(ofJobs: ids), field: 21, of: records, to: &out)
        case .application:
            let candidates = try lookup.candidateSummaries(records.compactMap(\.candidateID))
            let jobs = try lookup.jobSummaries(records.compactMap(\.jobID))
            let stages = try lookup.stageSummaries(records.compactMap { r in r.stageID.map { (r.jobID, $0) } })
            for (index, record) in records.enumerated() {
                if let id = record.candidateID, let candidate = candidates[id] {
                    ProtoWire.appendLengthDelimited(field: 11, try candidate.encode(), to: &out[index])
                }
                if let id = record.stageID, let stage = stages[StageKey(jobID: record.jobID, stageID: id)] {
                    ProtoWire.appendLengthDelimited(field: 12, try stage.encode(), to: &out[index])
                }
                if let id = record.jobID, let job = jobs[id] {
                    ProtoWire.appendLengthDelimited(field: 13, try job.encode(), to: &out[index])
                }
            }
        default:
            break
        }
        return out
    }

    /// Appends each record's children (looked up by record id) to its extra fields, as the
    /// repeated field `field`.
    private static func append<Child: ProtoMessage>(
        _ children: [String: [Child]],
        field: UInt32,
        of records: [FetchedRecord],
        to out: inout [[UInt8]]
    ) throws {
        for (index, record) in records.enumerated() {
            for child in children[record.id] ?? [] {
                ProtoWire.appendLengthDelimited(field: field, try child.encode(), to: &out[index])
            }
        }
    }
}

/// A stage in the context of a job, whose index depends on the job.
struct StageKey: Hashable {
    var jobID: String?
    var stageID: String
}

/// Batched lookups of the records nested views refer to.
struct NestedLookup {
    let db: Database
    let integrationID: String
    /// The keys are every live record of their id range (an unfiltered page): children are
    /// read with one range scan instead of one index probe per key.
    var contiguous = false

    /// The live (or all) records of `model` whose `column` is one of `keys`, in id order.
    ///
    /// The SQL has no ORDER BY: with one, SQLite prefers walking the (integration, model, id)
    /// index over the whole model to avoid a sort, instead of probing the `column` index; rows
    /// are sorted by id here instead.
    private func rows(
        _ model: Model,
        where column: String,
        in keys: [String],
        select: String,
        liveOnly: Bool = true,
        pageKeys: Bool = false,
        _ each: (Row) throws -> Void
    ) throws {
        guard !keys.isEmpty else { return }
        let live = liveOnly ? " AND remote_deleted_at IS NULL" : ""
        var found: [(id: String, row: Row)] = []
        // `pageKeys`: the keys are the page's own ids, and `select` starts with `column`.
        if pageKeys, self.contiguous, keys.count > 32, let low = keys.min(), let high = keys.max() {
            let wanted = Set(keys)
            let sql = """
                SELECT \(select), id FROM records WHERE integration_id = ? AND model = ?
                AND \(column) >= ? AND \(column) <= ?\(live)
                """
            let arguments: StatementArguments = [self.integrationID, Int(model.rawValue), low, high]
            let cursor = try Row.fetchCursor(self.db, sql: sql, arguments: arguments)
            // Records outside the page are skipped.
            while let row = try cursor.next() {
                if wanted.contains(row[0] as String? ?? "") { found.append((row[row.count - 1], row.copy())) }
            }
        } else {
            for chunk in Array(Set(keys)).chunked(500) {
                let sql = """
                    SELECT \(select), id FROM records WHERE integration_id = ? AND model = ?
                    AND \(column) IN \(SQLiteStore.placeholders(chunk.count))\(live)
                    """
                let arguments: [any DatabaseValueConvertible] =
                    [self.integrationID, Int(model.rawValue)] + chunk.map { $0 as any DatabaseValueConvertible }
                let cursor = try Row.fetchCursor(self.db, sql: sql, arguments: SQLiteStore.arguments(arguments))
                while let row = try cursor.next() { found.append((row[row.count - 1], row.copy())) }
            }
        }
        found.sort { $0.id < $1.id }
        for (_, row) in found { try each(row) }
    }

    /// Job summaries by id.
    func jobSummaries(_ ids: [String]) throws -> [String: JobSummary] {
        var jobs: [String: JobSummary] = [:]
        try self.rows(.job, where: "id", in: ids, select: "id, remote_id, name", liveOnly: false) { row in
            jobs[row[0]] = JobSummary(id: row[0], remoteID: row[1], name: row[2])
        }
        return jobs
    }

    /// Stage summaries with their index in the given job's pipeline.
    func stageSummaries(_ pairs: [(String?, String)]) throws -> [StageKey: StageSummary] {
        var stages: [String: (remoteID: String?, name: String?)] = [:]
        try self.rows(
            .applicationStage,
            where: "id",
            in: pairs.map(\.1),
            select: "id, remote_id, name",
            liveOnly: false
        ) {
            row in
            stages[row[0]] = (row[1], row[2])
        }
        var indexes: [StageKey: Int32] = [:]
        try self.rows(
            .jobApplicationStage,
            where: "job_id",
            in: pairs.compactMap(\.0),
            select: "job_id, stage_id, stage_index"
        ) {
            row in
            if let index = row[2] as Int64? { indexes[StageKey(jobID: row[0], stageID: row[1])] = Int32(index) }
        }
        var summaries: [StageKey: StageSummary] = [:]
        for (jobID, stageID) in pairs {
            let key = StageKey(jobID: jobID, stageID: stageID)
            guard let stage = stages[stageID] else { continue }
            summaries[key] = StageSummary(id: stageID, remoteID: stage.remoteID, name: stage.name, index: indexes[key])
        }
        return summaries
    }

    /// Each candidate's live applications, with current stage and job summaries.
    func applications(ofCandidates ids: [String]) throws -> [String: [CandidateApplication]] {
        struct Raw {
            var id: String
            var remoteID: String?
            var changedAt: Int64
            var outcome: Int64?
            var outcomeRaw: String?
            var jobID: String?
            var stageID: String?
        }
        var raw: [String: [Raw]] = [:]
        try self.rows(
            .application,
            where: "candidate_id",
            in: ids,
            select: "candidate_id, id, remote_id, changed_at, outcome, outcome_raw, job_id, stage_id",
            pageKeys: true
        ) { row in
            raw[row[0], default: []].append(
                Raw(
                    id: row[1],
                    remoteID: row[2],
                    changedAt: row[3],
                    outcome: row[4],
                    outcomeRaw: row[5],
                    jobID: row[6],
                    stageID: row[7]
                )
            )
        }
        let all = raw.values.flatMap { $0 }
        let jobs = try self.jobSummaries(all.compactMap(\.jobID))
        let stages = try self.stageSummaries(all.compactMap { a in a.stageID.map { (a.jobID, $0) } })
        return raw.mapValues { list in
            list.map { application in
                CandidateApplication(
                    id: application.id,
                    remoteID: application.remoteID,
                    changedAt: application.changedAt,
                    outcome: application.outcome.map { ApplicationOutcome(rawValue: Int32($0)) },
                    outcomeRaw: application.outcomeRaw,
                    currentStage: application.stageID.flatMap {
                        stages[StageKey(jobID: application.jobID, stageID: $0)]
                    },
                    job: application.jobID.flatMap { jobs[$0] }
                )
            }
        }
    }

    /// Each candidate's live tags.
    ///
    /// - Parameter pageKeys: `ids` are a page's own candidates (an id range the page covers
    ///   whole); false for candidates referred to from elsewhere (applications' candidates are
    ///   spread over all ids, and a range scan would read nearly every tag join).
    func tags(ofCandidates ids: [String], pageKeys: Bool) throws -> [String: [TagSummary]] {
        var joins: [(String, String)] = []
        try self.rows(
            .candidateTag,
            where: "candidate_id",
            in: ids,
            select: "candidate_id, tag_id",
            pageKeys: pageKeys
        ) {
            row in
            if let tag = row[1] as String? { joins.append((row[0], tag)) }
        }
        var tags: [String: TagSummary] = [:]
        try self.rows(.tag, where: "id", in: joins.map(\.1), select: "id, remote_id, name", liveOnly: false) { row in
            tags[row[0]] = TagSummary(id: row[0], remoteID: row[1], name: row[2])
        }
        var result: [String: [TagSummary]] = [:]
        for (candidate, tag) in joins {
            if let summary = tags[tag] { result[candidate, default: []].append(summary) }
        }
        return result
    }

    /// Each job's live stages, in pipeline order.
    func stages(ofJobs ids: [String]) throws -> [String: [JobStage]] {
        var joins: [(job: String, stage: String, index: Int32?)] = []
        try self.rows(.jobApplicationStage, where: "job_id", in: ids, select: "job_id, stage_id, stage_index") { row in
            if let stage = row[1] as String? { joins.append((row[0], stage, (row[2] as Int64?).map { Int32($0) })) }
        }
        var stages: [String: (remoteID: String?, name: String?)] = [:]
        try self.rows(
            .applicationStage,
            where: "id",
            in: joins.map(\.stage),
            select: "id, remote_id, name",
            liveOnly: false
        ) {
            row in
            stages[row[0]] = (row[1], row[2])
        }
        var result: [String: [JobStage]] = [:]
        for join in joins.sorted(by: { ($0.index ?? .max) < ($1.index ?? .max) }) {
            let stage = stages[join.stage]
            result[join.job, default: []].append(
                JobStage(id: join.stage, remoteID: stage?.remoteID, name: stage?.name, index: join.index)
            )
        }
        return result
    }

    /// Each job's live hiring team, with the users' names, emails and roles.
    func hiringTeams(ofJobs ids: [String]) throws -> [String: [HiringTeamMember]] {
        var joins: [(job: String, member: JobHiringTeamMember)] = []
        try self.rows(.jobHiringTeamMember, where: "job_id", in: ids, select: "job_id, data") { row in
            let data: Data = row[1]
            let member = try data.withUnsafeBytes { try JobHiringTeamMember(decoding: $0, limits: .default) }
            joins.append((row[0], member))
        }
        var users: [String: HiringTeamMember] = [:]
        try self.rows(
            .user,
            where: "id",
            in: joins.compactMap(\.member.userID),
            select: "id, remote_id, first_name, last_name, email",
            liveOnly: false
        ) { row in
            users[row[0]] = HiringTeamMember(
                id: row[0],
                remoteID: row[1],
                firstName: row[2],
                lastName: row[3],
                email: row[4]
            )
        }
        var result: [String: [HiringTeamMember]] = [:]
        for (job, member) in joins {
            guard let userID = member.userID, var user = users[userID] else { continue }
            user.roles = member.roles
            result[job, default: []].append(user)
        }
        return result
    }

    /// Candidate summaries (nested in applications), with their tags.
    func candidateSummaries(_ ids: [String]) throws -> [String: ApplicationCandidate] {
        var summaries: [String: ApplicationCandidate] = [:]
        try self.rows(.candidate, where: "id", in: ids, select: "id, data", liveOnly: false) { row in
            let data: Data = row[1]
            let candidate = try data.withUnsafeBytes { try Candidate(decoding: $0, limits: .default) }
            summaries[row[0]] = ApplicationCandidate(
                id: candidate.id,
                remoteID: candidate.remoteID,
                firstName: candidate.firstName,
                lastName: candidate.lastName,
                emailAddresses: candidate.emailAddresses,
                phoneNumbers: candidate.phoneNumbers,
                source: candidate.source
            )
        }
        for (candidate, tags) in try self.tags(ofCandidates: Array(summaries.keys), pageKeys: false) {
            summaries[candidate]?.tags = tags
        }
        return summaries
    }
}

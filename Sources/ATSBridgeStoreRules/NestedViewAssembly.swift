public import ATSBridgeProto

/// Assembles the nested views of records (docs/store.md, "Nested views") from rows a backend
/// fetched, with no database access of its own, so that a synchronous backend and an
/// asynchronous one share it:
///
/// ```swift
/// var assembly = NestedViewAssembly(model: .candidate, records: heads)
/// while case let lookups = try assembly.nextLookups(), !lookups.isEmpty {
///     for lookup in lookups { try assembly.receive(fetch(lookup), for: lookup) }
/// }
/// let views = try assembly.views()   // one per record, in order
/// ```
///
/// Each round's lookups depend only on earlier rounds' rows, so a backend may run one round's
/// lookups concurrently. Children are looked up for all records at once, never one per record.
public struct NestedViewAssembly: Sendable {
    /// The models whose records carry nested views: jobs (stages, hiring team), candidates
    /// (applications, tags) and applications (candidate, current stage and job summaries).
    public static let models: Set<Model> = [.job, .candidate, .application]

    /// The model of the records.
    public let model: Model
    let records: [RecordHead]
    private var round = 0
    private var fetched: [ChildLookup.Purpose: [ChildRow]] = [:]

    /// Starts assembling the views of `records` of `model` (no view for other models).
    public init(model: Model, records: [RecordHead]) {
        self.model = model
        self.records = records
    }

    /// The next round of lookups, none when every row needed is in: then ``views()``.
    public mutating func nextLookups() throws -> [ChildLookup] {
        while let lookups = try self.lookups(round: self.round) {
            self.round += 1
            let wanted = lookups.filter { !$0.keys.isEmpty }
            if !wanted.isEmpty { return wanted }
        }
        return []
    }

    /// Takes the rows a backend fetched for `lookup`.
    public mutating func receive(_ rows: [ChildRow], for lookup: ChildLookup) {
        // Rows are used in id order, whatever order the backend read them in.
        self.fetched[lookup.purpose, default: []] += rows
        self.fetched[lookup.purpose]?.sort { $0.id < $1.id }
    }

    /// Rows fetched for `purpose`, in id order.
    func rows(_ purpose: ChildLookup.Purpose) -> [ChildRow] {
        self.fetched[purpose] ?? []
    }

    private func lookups(round: Int) throws -> [ChildLookup]? {
        switch (self.model, round) {
        case (.candidate, 0):
            let ids = self.records.map(\.id)
            return [
                ChildLookup(
                    .applications,
                    .application,
                    where: .candidateID,
                    in: ids,
                    liveOnly: true,
                    columns: [.candidateID, .remoteID, .changedAt, .outcome, .outcomeRaw, .jobID, .stageID],
                    keysAreRecordIDs: true
                ),
                ChildLookup(
                    .candidateTags,
                    .candidateTag,
                    where: .candidateID,
                    in: ids,
                    liveOnly: true,
                    columns: [.candidateID, .tagID],
                    keysAreRecordIDs: true
                ),
            ]
        case (.candidate, 1):
            let applications = self.rows(.applications)
            return Self.summaryLookups(
                jobIDs: applications.compactMap(\.jobID),
                stages: applications.compactMap { a in a.stageID.map { (a.jobID, $0) } }
            ) + [Self.tagLookup(self.rows(.candidateTags))]
        case (.job, 0):
            let ids = self.records.map(\.id)
            return [
                ChildLookup(
                    .jobStages,
                    .jobApplicationStage,
                    where: .jobID,
                    in: ids,
                    liveOnly: true,
                    columns: [.jobID, .stageID, .stageIndex]
                ),
                ChildLookup(
                    .hiringTeams,
                    .jobHiringTeamMember,
                    where: .jobID,
                    in: ids,
                    liveOnly: true,
                    columns: [.jobID, .data]
                ),
            ]
        case (.job, 1):
            return [
                ChildLookup(
                    .stages,
                    .applicationStage,
                    where: .id,
                    in: self.rows(.jobStages).compactMap(\.stageID),
                    liveOnly: false,
                    columns: [.remoteID, .name]
                ),
                ChildLookup(
                    .users,
                    .user,
                    where: .id,
                    in: try self.hiringTeamJoins().compactMap(\.member.userID),
                    liveOnly: false,
                    columns: [.remoteID, .firstName, .lastName, .email]
                ),
            ]
        case (.application, 0):
            return [
                ChildLookup(
                    .candidates,
                    .candidate,
                    where: .id,
                    in: self.records.compactMap(\.candidateID),
                    liveOnly: false,
                    columns: [.data]
                )
            ]
                + Self.summaryLookups(
                    jobIDs: self.records.compactMap(\.jobID),
                    stages: self.records.compactMap { r in r.stageID.map { (r.jobID, $0) } }
                )
        case (.application, 1):
            return [
                ChildLookup(
                    .candidateTags,
                    .candidateTag,
                    where: .candidateID,
                    in: self.rows(.candidates).map(\.id),
                    liveOnly: true,
                    columns: [.candidateID, .tagID]
                )
            ]
        case (.application, 2):
            return [Self.tagLookup(self.rows(.candidateTags))]
        default:
            return nil
        }
    }

    /// Job summaries, and stage summaries with their index in the job's pipeline.
    private static func summaryLookups(jobIDs: [String], stages: [(jobID: String?, stageID: String)]) -> [ChildLookup] {
        [
            ChildLookup(.jobs, .job, where: .id, in: jobIDs, liveOnly: false, columns: [.remoteID, .name]),
            ChildLookup(
                .stages,
                .applicationStage,
                where: .id,
                in: stages.map(\.stageID),
                liveOnly: false,
                columns: [.remoteID, .name]
            ),
            ChildLookup(
                .stageIndexes,
                .jobApplicationStage,
                where: .jobID,
                in: stages.compactMap(\.jobID),
                liveOnly: true,
                columns: [.jobID, .stageID, .stageIndex]
            ),
        ]
    }

    /// The tags of tag joins.
    private static func tagLookup(_ joins: [ChildRow]) -> ChildLookup {
        ChildLookup(
            .tags,
            .tag,
            where: .id,
            in: joins.compactMap(\.tagID),
            liveOnly: false,
            columns: [.remoteID, .name]
        )
    }

    /// The hiring-team joins fetched, decoded.
    func hiringTeamJoins() throws -> [(jobID: String, member: JobHiringTeamMember)] {
        try self.rows(.hiringTeams).compactMap { row in
            guard let jobID = row.jobID, let data = row.data else { return nil }
            let member = try data.withUnsafeBytes { try JobHiringTeamMember(decoding: $0, limits: .default) }
            return (jobID, member)
        }
    }
}

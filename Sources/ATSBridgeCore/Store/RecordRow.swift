public import ATSBridgeProto
import Crypto

/// A record as a store row: its own fields encoded (nested views stripped), a hash of them,
/// and the columns the filters and nested views need. Shared by every store backend.
public struct RecordRow: Sendable, Hashable {
    /// The record's model.
    public var model: Model
    /// The ATSBridge id.
    public var id: String
    /// The RECRU id.
    public var remoteID: String?
    /// The record's own fields, encoded; nested views are assembled at read time.
    public var data: [UInt8]
    /// SHA-256 of `data`, truncated to 16 bytes: `changed_at` moves only when it changes.
    public var hash: [UInt8]
    /// Display name: job, stage or tag name.
    public var name: String?
    /// Lower-cased search key: job name (for `name_contains`) or user email.
    public var search: String?
    /// Display first name of users and candidates.
    public var firstName: String?
    /// Display last name of users and candidates.
    public var lastName: String?
    /// Lower-cased candidate first name, for the case-insensitive exact filter.
    public var firstNameKey: String?
    /// Lower-cased candidate last name, for the case-insensitive exact filter.
    public var lastNameKey: String?
    /// Display email of users.
    public var email: String?
    /// Job status (wire number).
    public var status: Int32?
    /// Job employment type (wire number).
    public var employmentType: Int32?
    /// Job visibility (wire number).
    public var visibility: Int32?
    /// Application outcome (wire number).
    public var outcome: Int32?
    /// The application outcome's raw RECRU value when unmappable.
    public var outcomeRaw: String?
    /// The candidate an application or candidate tag points at.
    public var candidateID: String?
    /// The job an application or job join points at.
    public var jobID: String?
    /// An application's current stage, or a job stage join's stage.
    public var stageID: String?
    /// A candidate tag's tag.
    public var tagID: String?
    /// A hiring-team member's user.
    public var userID: String?
    /// Index of a job-specific stage.
    public var index: Int32?
    /// Lower-cased email addresses of a candidate, for the `email` filter.
    public var emails: [String] = []
    /// Whether the record's own `remote_deleted_at` was set by the caller.
    public var remoteDeletedAt: Int64?

    init(model: Model, id: String, remoteID: String?, data: [UInt8]) {
        self.model = model
        self.id = id
        self.remoteID = remoteID
        self.data = data
        self.hash = SHA256.hash(data: data).withUnsafeBytes { Array($0.prefix(16)) }
    }

    /// The rows of a batch, or of the records at `range` (positions in the batch; read in
    /// place, so tasks that each take a range copy no record).
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` when a record has no id or cannot
    ///   be encoded.
    public static func rows(of batch: RecordBatch, in range: Range<Int>? = nil) throws -> [RecordRow] {
        let range = range ?? 0..<batch.count
        do {
            switch batch {
            case .users(let users): return try users[range].map(self.row)
            case .jobs(let jobs): return try jobs[range].map(self.row)
            case .candidates(let candidates): return try candidates[range].map(self.row)
            case .applicationStages(let stages):
                return try stages[range].map { stage in
                    var row = try self.base(.applicationStage, stage)
                    row.name = stage.name
                    return row
                }
            case .applications(let applications): return try applications[range].map(self.row)
            case .tags(let tags):
                return try tags[range].map { tag in
                    var row = try self.base(.tag, tag)
                    row.name = tag.name
                    return row
                }
            case .candidateTags(let joins):
                return try joins[range].map { join in
                    var row = try self.base(.candidateTag, join)
                    row.candidateID = join.candidateID
                    row.tagID = join.tagID
                    return row
                }
            case .jobApplicationStages(let joins):
                return try joins[range].map { join in
                    var row = try self.base(.jobApplicationStage, join)
                    row.jobID = join.jobID
                    row.stageID = join.stageID
                    row.index = join.index
                    return row
                }
            case .jobHiringTeamMembers(let joins):
                return try joins[range].map { join in
                    var row = try self.base(.jobHiringTeamMember, join)
                    row.jobID = join.jobID
                    row.userID = join.userID
                    return row
                }
            }
        } catch let error as ProtoCodecError {
            throw ATSBridgeError(.inputInvalid, "a record cannot be encoded: \(error.description)", cause: error)
        }
    }

    /// A row whose data is `record` without the store-managed times (`changed_at` and
    /// `remote_deleted_at` are the store's, not part of the hash) and, when `hasNested`, without
    /// what `strip` removes (nested views).
    ///
    /// A record with none of those (what a sync maps from RECRU) is encoded where it is: a copy
    /// would retain each of its strings and arrays once more, and release them again.
    private static func base<M: StoredRecord>(
        _ model: Model,
        _ record: M,
        hasNested: Bool = false,
        strip: (inout M) -> Void = { _ in }
    ) throws -> RecordRow {
        guard !record.id.isEmpty else { throw ATSBridgeError(.inputInvalid, "a \(model.name ?? "record") has no id") }
        let data: [UInt8]
        if hasNested || record.changedAt != nil || record.remoteDeletedAt != nil {
            var own = record
            own.changedAt = nil
            own.remoteDeletedAt = nil
            strip(&own)
            data = try own.encode()
        } else {
            data = try record.encode()
        }
        var row = RecordRow(model: model, id: record.id, remoteID: record.remoteID, data: data)
        row.remoteDeletedAt = record.remoteDeletedAt
        return row
    }

    private static func row(_ user: User) throws -> RecordRow {
        var row = try self.base(.user, user)
        row.firstName = user.firstName
        row.lastName = user.lastName
        row.email = user.email
        row.search = user.email.map(Self.lowercaseKey)
        return row
    }

    private static func row(_ job: Job) throws -> RecordRow {
        var row = try self.base(.job, job, hasNested: !job.stages.isEmpty || !job.hiringTeam.isEmpty) {
            $0.stages = []
            $0.hiringTeam = []
        }
        row.name = job.name
        row.search = job.name.map(Self.lowercaseKey)
        row.status = job.status?.rawValue
        row.employmentType = job.employmentType?.rawValue
        row.visibility = job.visibility?.rawValue
        return row
    }

    private static func row(_ candidate: Candidate) throws -> RecordRow {
        var row = try self.base(
            .candidate,
            candidate,
            hasNested: !candidate.applications.isEmpty || !candidate.tags.isEmpty
        ) {
            $0.applications = []
            $0.tags = []
        }
        row.firstName = candidate.firstName
        row.lastName = candidate.lastName
        row.firstNameKey = candidate.firstName.map(Self.lowercaseKey)
        row.lastNameKey = candidate.lastName.map(Self.lowercaseKey)
        row.emails = Self.uniqueSorted(candidate.emailAddresses.compactMap { $0.emailAddress.map(Self.lowercaseKey) })
        return row
    }

    private static func row(_ application: Application) throws -> RecordRow {
        let hasNested = application.candidate != nil || application.currentStage != nil || application.job != nil
        var row = try self.base(.application, application, hasNested: hasNested) {
            $0.candidate = nil
            $0.currentStage = nil
            $0.job = nil
        }
        row.outcome = application.outcome?.rawValue
        row.outcomeRaw = application.outcomeRaw
        row.candidateID = application.candidateID
        row.jobID = application.jobID
        row.stageID = application.currentStageID
        return row
    }
}

/// A column of the records table that the change rules name: every backend's schema has these
/// columns under these names (the stored row of ``ATSBridgeCore/RecordRow`` plus the
/// store-managed times), so a rule expressed with them reads the same in every backend.
public enum RecordColumn: String, Sendable, Hashable, CaseIterable {
    /// The ATSBridge id.
    case id
    /// The RECRU id.
    case remoteID = "remote_id"
    /// When the record's own fields last changed.
    case changedAt = "changed_at"
    /// Display name of jobs, stages and tags.
    case name
    /// Display first name of users and candidates.
    case firstName = "first_name"
    /// Display last name of users and candidates.
    case lastName = "last_name"
    /// Display email of users.
    case email
    /// Application outcome (wire number).
    case outcome
    /// The application outcome's raw RECRU value.
    case outcomeRaw = "outcome_raw"
    /// The candidate an application or candidate tag points at.
    case candidateID = "candidate_id"
    /// The job an application or job join points at.
    case jobID = "job_id"
    /// An application's current stage, or a job stage join's stage.
    case stageID = "stage_id"
    /// A candidate tag's tag.
    case tagID = "tag_id"
    /// A hiring-team member's user.
    case userID = "user_id"
    /// Index of a job-specific stage.
    case stageIndex = "stage_index"
    /// The record's own fields, encoded.
    case data

    /// The column's name in SQL.
    public var name: String { self.rawValue }

    /// How a column's values are stored.
    public enum Kind: Sendable, Hashable {
        /// UTF-8 text.
        case text
        /// A 64-bit integer.
        case integer
        /// Bytes.
        case blob
    }

    /// How the column's values are stored.
    public var kind: Kind {
        switch self {
        case .changedAt, .outcome, .stageIndex: .integer
        case .data: .blob
        default: .text
        }
    }
}

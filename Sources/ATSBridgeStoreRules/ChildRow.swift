/// A row a backend fetched for a ``ChildLookup``: its `id` and the lookup's columns (the others
/// stay nil).
public struct ChildRow: Sendable, Hashable {
    /// The ATSBridge id.
    public var id: String
    /// The RECRU id.
    public var remoteID: String?
    /// When the record's own fields last changed.
    public var changedAt: Int64 = 0
    /// Display name of a job, stage or tag.
    public var name: String?
    /// Display first name of a user.
    public var firstName: String?
    /// Display last name of a user.
    public var lastName: String?
    /// Display email of a user.
    public var email: String?
    /// Application outcome (wire number).
    public var outcome: Int32?
    /// The application outcome's raw RECRU value.
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
    public var stageIndex: Int32?
    /// The record's own fields, encoded.
    public var data: [UInt8]?

    /// Creates a row with only its id.
    public init(id: String) {
        self.id = id
    }

    /// Sets one column from a text value (nil for NULL); ignores columns of other types.
    public mutating func set(_ column: RecordColumn, text: String?) {
        switch column {
        case .id: self.id = text ?? ""
        case .remoteID: self.remoteID = text
        case .name: self.name = text
        case .firstName: self.firstName = text
        case .lastName: self.lastName = text
        case .email: self.email = text
        case .outcomeRaw: self.outcomeRaw = text
        case .candidateID: self.candidateID = text
        case .jobID: self.jobID = text
        case .stageID: self.stageID = text
        case .tagID: self.tagID = text
        case .userID: self.userID = text
        case .changedAt, .outcome, .stageIndex, .data: break
        }
    }

    /// Sets one column from an integer value (nil for NULL); ignores columns of other types.
    public mutating func set(_ column: RecordColumn, integer: Int64?) {
        switch column {
        case .changedAt: self.changedAt = integer ?? 0
        case .outcome: self.outcome = integer.map { Int32(truncatingIfNeeded: $0) }
        case .stageIndex: self.stageIndex = integer.map { Int32(truncatingIfNeeded: $0) }
        default: break
        }
    }

    /// The value of a text column (nil for other columns).
    public func text(_ column: RecordColumn) -> String? {
        switch column {
        case .id: self.id
        case .remoteID: self.remoteID
        case .name: self.name
        case .firstName: self.firstName
        case .lastName: self.lastName
        case .email: self.email
        case .outcomeRaw: self.outcomeRaw
        case .candidateID: self.candidateID
        case .jobID: self.jobID
        case .stageID: self.stageID
        case .tagID: self.tagID
        case .userID: self.userID
        case .changedAt, .outcome, .stageIndex, .data: nil
        }
    }
}

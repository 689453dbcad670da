public import ATSBridgeProto

/// A model record with the base fields every unified model has.
public protocol StoredRecord: ProtoMessage {
    /// The ATSBridge id.
    var id: String { get }
    /// The RECRU id.
    var remoteID: String? { get }
    /// When the record's own fields last changed (ms since epoch).
    var changedAt: Int64? { get set }
    /// When the record was deleted upstream (ms since epoch).
    var remoteDeletedAt: Int64? { get set }
}

extension User: StoredRecord {}
extension Job: StoredRecord {}
extension Candidate: StoredRecord {}
extension ApplicationStage: StoredRecord {}
extension Application: StoredRecord {}
extension Tag: StoredRecord {}
extension CandidateTag: StoredRecord {}
extension JobApplicationStage: StoredRecord {}
extension JobHiringTeamMember: StoredRecord {}

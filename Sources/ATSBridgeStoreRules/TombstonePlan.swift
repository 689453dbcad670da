public import ATSBridgeCore
public import ATSBridgeProto

/// The decisions after a full sync marked records missing upstream as deleted: the result, the
/// parents to touch and the kept views that go stale. The marking itself is the backend's: it
/// sets `remote_deleted_at`, `changed_at` and `touched_at` of every live record of the model
/// that the sync did not see to the sync's time, and returns each one's id, candidate and job.
/// Then it clears ``staleViews``, logs the ids DELETED and applies ``touches`` (skipping none).
public struct TombstonePlan: Sendable {
    /// What the pass did: the deleted ids.
    public private(set) var result = UpsertResult()
    /// Parents whose nested data changed (a child was deleted).
    public private(set) var touches = ParentTouches()
    /// Kept views that showed the deleted records.
    public private(set) var staleViews = StaleViews()

    /// Plans the consequences of marking `deleted` records of `model` deleted.
    public init(model: Model, deleted: [(id: String, candidateID: String?, jobID: String?)]) {
        for record in deleted {
            self.result.deleted.append(record.id)
            self.staleViews.recordChanged(model, id: record.id, candidateID: record.candidateID, jobID: record.jobID)
            self.touches.recordDeleted(model, candidateID: record.candidateID, jobID: record.jobID)
        }
    }
}

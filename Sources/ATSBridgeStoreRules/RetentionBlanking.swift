import ATSBridgeCore
public import ATSBridgeProto

/// What retention blanks when a deleted record's personal data expires: which models hold
/// personal data, what remains of a blanked record, and which views show it.
///
/// A backend finds records of ``models`` deleted before the cutoff and not yet blanked, and
/// replaces each one's data with ``blankedData(_:id:remoteID:)`` and its hash with
/// ``blankedHash``, clears its personal columns (``clearedColumns`` and the candidate's email
/// index), marks it blanked, and clears ``staleViews(_:id:)``.
public enum RetentionBlanking {
    /// The models whose records hold personal data.
    public static let models: [Model] = [.candidate, .user]

    /// The personal columns set to NULL (besides the encoded data). Backends name them so;
    /// `first_name_key`, `last_name_key` and `search` are their derived lower-cased keys.
    public static let clearedColumns = [
        "first_name", "last_name", "first_name_key", "last_name_key", "email", "search",
    ]

    /// The hash a blanked record is stored with: no real record hashes to it, so a record that
    /// reappears upstream counts as changed.
    public static let blankedHash = [UInt8](repeating: 0, count: 16)

    /// A blanked record's data: only its id and remote id remain.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` for a model without personal data.
    public static func blankedData(_ model: Model, id: String, remoteID: String?) throws -> [UInt8] {
        do {
            switch model {
            case .candidate: return try Candidate(id: id, remoteID: remoteID).encode()
            case .user: return try User(id: id, remoteID: remoteID).encode()
            default: throw ATSBridgeError(.inputInvalid, "\(model.name ?? "this model") holds no personal data")
            }
        } catch let error as ProtoCodecError {
            throw ATSBridgeError(.inputInvalid, "a blanked record cannot be encoded", cause: error)
        }
    }

    /// The kept views that showed a blanked record.
    public static func staleViews(_ model: Model, id: String) -> StaleViews {
        var stale = StaleViews()
        stale.recordChanged(model, id: id, candidateID: nil, jobID: nil)
        return stale
    }
}

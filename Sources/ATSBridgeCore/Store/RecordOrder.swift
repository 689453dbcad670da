/// The order in which pages return records.
public enum RecordOrder: Sendable, Hashable {
    /// By ATSBridge id: keyset pages stable while data changes (no record skipped or repeated).
    case id
    /// The backend's physical order, for unfiltered bulk exports: a record that exists
    /// throughout is returned exactly once even while records are updated (an update keeps a
    /// record's place), records created meanwhile may or may not be. A backend without a cheaper
    /// order, or a query with filters, pages by id.
    case storage
}

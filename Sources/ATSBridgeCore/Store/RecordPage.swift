/// One page of records, each as its stored protobuf bytes.
public struct RecordPage: Sendable, Hashable {
    /// The records, each a valid encoding of the query's model, nested views included.
    public var records: [[UInt8]]
    /// The cursor that resumes after this page, or `nil` on the last page.
    public var nextCursor: String?

    /// Creates a page.
    public init(records: [[UInt8]], nextCursor: String?) {
        self.records = records
        self.nextCursor = nextCursor
    }
}

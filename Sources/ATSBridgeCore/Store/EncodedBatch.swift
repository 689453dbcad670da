public import ATSBridgeProto

/// A batch's rows as a store writes them: encoded, hashed and sorted by id bytes
/// (``RecordRow/sortedRows(of:parts:)``), one per id.
///
/// Encoding is most of an upsert's work outside its transaction. A writer that encodes its next
/// batch while the store still writes the previous one hands the result to
/// ``SourceHashStore/upsert(encoded:sources:integrationID:at:)``, and the store's single writer
/// never waits for it.
public struct EncodedBatch: Sendable {
    /// The rows' model.
    public let model: Model
    /// The rows, sorted by id bytes, one per id (the batch's last).
    public let rows: [RecordRow]

    /// Encodes `batch` on up to `parts` tasks at once.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` when a record has no id or cannot
    ///   be encoded.
    public init(_ batch: RecordBatch, parts: Int = 2) async throws {
        self.model = batch.model
        self.rows = try await RecordRow.sortedRows(of: batch, parts: parts)
    }

    /// Encodes the non-empty batches, in order.
    public static func encode(_ batches: [RecordBatch]) async throws -> [EncodedBatch] {
        var encoded: [EncodedBatch] = []
        for batch in batches where batch.count > 0 { encoded.append(try await EncodedBatch(batch)) }
        return encoded
    }
}

public import ATSBridgeProto

/// The read side of the store: what the read API needs. Every store backend implements it.
public protocol RecordReading: Sendable {
    /// One page of records matching `query`.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` for a forged or corrupt cursor.
    func page(_ query: RecordQuery) async throws -> RecordPage

    /// Every page of `query` from its cursor on, in order, as a streamed list sends them. The
    /// default reads them through ``page(_:)``, one page ahead of the caller.
    func pages(_ query: RecordQuery) -> RecordPages

    /// One record by ATSBridge id as its stored bytes; `nil` when absent, or when it was
    /// deleted in the remote and `includeDeleted` is false (as lists hide it).
    func record(_ model: Model, id: String, integrationID: String, includeDeleted: Bool) async throws -> [UInt8]?
}

extension RecordReading {
    /// Pages through ``page(_:)``, the next one read while the caller handles the last.
    public func pages(_ query: RecordQuery) -> RecordPages {
        RecordPages { PrefetchingPages(reader: self, query: query) }
    }

    /// One record by ATSBridge id, deleted or not, as its stored bytes; `nil` when absent.
    public func record(_ model: Model, id: String, integrationID: String) async throws -> [UInt8]? {
        try await self.record(model, id: id, integrationID: integrationID, includeDeleted: true)
    }
}

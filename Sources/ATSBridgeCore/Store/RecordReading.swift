public import ATSBridgeProto

/// The read side of the store: what the read API needs. Every store backend implements it.
public protocol RecordReading: Sendable {
    /// One page of records matching `query`.
    ///
    /// - Parameter budget: The server's memory for pages not yet sent, if any: the read waits
    ///   until it has room and the page comes back charged to it (``RecordPage/memory``).
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` for a forged or corrupt cursor;
    ///   `CancellationError` when cancelled while waiting for room.
    func page(_ query: RecordQuery, budget: ReadMemoryBudget?) async throws -> RecordPage

    /// Every page of `query` from its cursor on, in order, as a streamed list sends them, each
    /// charged to `budget` (if any) and read only while it has room. The default reads them
    /// through ``page(_:budget:)``, one page ahead of the caller.
    func pages(_ query: RecordQuery, budget: ReadMemoryBudget?) -> RecordPages

    /// One record by ATSBridge id as its stored bytes; `nil` when absent, or when it was
    /// deleted in the remote and `includeDeleted` is false (as lists hide it).
    func record(_ model: Model, id: String, integrationID: String, includeDeleted: Bool) async throws -> [UInt8]?
}

extension RecordReading {
    /// Pages through ``page(_:budget:)``, the next one read while the caller handles the last.
    public func pages(_ query: RecordQuery, budget: ReadMemoryBudget?) -> RecordPages {
        RecordPages { PrefetchingPages(reader: self, query: query, budget: budget) }
    }

    /// One page, outside any memory budget.
    public func page(_ query: RecordQuery) async throws -> RecordPage {
        try await self.page(query, budget: nil)
    }

    /// Every page, outside any memory budget.
    public func pages(_ query: RecordQuery) -> RecordPages {
        self.pages(query, budget: nil)
    }

    /// One record by ATSBridge id, deleted or not, as its stored bytes; `nil` when absent.
    public func record(_ model: Model, id: String, integrationID: String) async throws -> [UInt8]? {
        try await self.record(model, id: id, integrationID: integrationID, includeDeleted: true)
    }
}

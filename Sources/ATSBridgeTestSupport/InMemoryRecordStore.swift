public import ATSBridgeCore
public import ATSBridgeProto
import Synchronization

/// A `RecordReading` in memory, for unit tests of the read path only; the real stores are
/// SQLite and PostgreSQL.
///
/// Records are ordered by id. It applies the common filters (ids, remote ids, updated-after
/// on `changed_at`, include-deleted) and ignores model filters.
public final class InMemoryRecordStore: RecordReading {
    private struct Entry {
        var id: String
        var remoteID: String?
        var changedAt: Int64
        var deleted: Bool
        var bytes: [UInt8]
    }

    private struct Key: Hashable {
        var integrationID: String
        var model: Model
    }

    private let records = Mutex<[Key: [Entry]]>([:])

    /// Creates an empty store.
    public init() {}

    /// Adds or replaces a record.
    public func put(
        _ model: Model,
        integrationID: String,
        id: String,
        remoteID: String? = nil,
        changedAt: Int64 = 0,
        deleted: Bool = false,
        bytes: [UInt8]
    ) {
        let entry = Entry(id: id, remoteID: remoteID, changedAt: changedAt, deleted: deleted, bytes: bytes)
        self.records.withLock { records in
            var list = records[Key(integrationID: integrationID, model: model), default: []]
            if let index = list.firstIndex(where: { $0.id == id }) {
                list[index] = entry
            } else {
                let index = list.firstIndex(where: { $0.id > id }) ?? list.endIndex
                list.insert(entry, at: index)
            }
            records[Key(integrationID: integrationID, model: model)] = list
        }
    }

    /// Adds candidates, keyed by their own id, remote id and change time.
    public func put(candidates: [Candidate], integrationID: String) throws {
        for candidate in candidates {
            self.put(
                .candidate,
                integrationID: integrationID,
                id: candidate.id,
                remoteID: candidate.remoteID,
                changedAt: candidate.changedAt ?? 0,
                deleted: candidate.remoteDeletedAt != nil,
                bytes: try candidate.encode()
            )
        }
    }

    /// One page in id order; the cursor is the last id, prefixed.
    public func page(_ query: RecordQuery, budget: ReadMemoryBudget?) async throws -> RecordPage {
        try await RecordPage.read(under: budget) {
            guard RecordPage.mayRead(under: budget) else { return nil }
            var page = try self.unbudgetedPage(query)
            page.charge(to: budget)
            return page
        }
    }

    private func unbudgetedPage(_ query: RecordQuery) throws -> RecordPage {
        let after: String?
        if let cursor = query.cursor {
            guard cursor.hasPrefix("mem:") else { throw ATSBridgeError(.inputInvalid, "invalid cursor") }
            after = String(cursor.dropFirst(4))
        } else {
            after = nil
        }
        let list = self.records.withLock { $0[Key(integrationID: query.integrationID, model: query.model)] ?? [] }
        var selected: [Entry] = []
        for entry in list {
            if let after, entry.id <= after { continue }
            if entry.deleted, !query.includeDeleted { continue }
            if !query.ids.isEmpty, !query.ids.contains(entry.id) { continue }
            if !query.remoteIDs.isEmpty, !query.remoteIDs.contains(entry.remoteID ?? "") { continue }
            if let updatedAfter = query.updatedAfter, entry.changedAt <= updatedAfter { continue }
            selected.append(entry)
            if selected.count == query.pageSize + 1 { break }
        }
        let hasMore = selected.count > query.pageSize
        let page = Array(selected.prefix(query.pageSize))
        return RecordPage(records: page.map(\.bytes), nextCursor: hasMore ? "mem:" + page.last!.id : nil)
    }

    /// The record with `id`; a deleted one only with `includeDeleted`.
    public func record(_ model: Model, id: String, integrationID: String, includeDeleted: Bool) async throws
        -> [UInt8]?
    {
        self.records.withLock { records in
            records[Key(integrationID: integrationID, model: model)]?
                .first { $0.id == id && (includeDeleted || !$0.deleted) }?.bytes
        }
    }
}

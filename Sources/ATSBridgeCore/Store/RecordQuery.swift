public import ATSBridgeProto

/// A query for one page of one model's records of one integration.
///
/// Filters AND across each other and OR within one list, like the unified API.
public struct RecordQuery: Sendable, Hashable {
    /// The smallest and largest page size; the default is ``defaultPageSize``.
    public static let pageSizes = 1...1000
    /// The page size when none is given.
    public static let defaultPageSize = 100

    /// The integration whose records are read.
    public var integrationID: String
    /// The model read.
    public var model: Model
    /// How many records per page, within ``pageSizes``.
    public var pageSize: Int
    /// The resume cursor of the previous page.
    public var cursor: String?
    /// Only records whose own fields or nested data changed after this time (ms since epoch).
    public var updatedAfter: Int64?
    /// Also records deleted upstream.
    public var includeDeleted: Bool
    /// Only these ATSBridge ids.
    public var ids: [String]
    /// Only these RECRU ids.
    public var remoteIDs: [String]
    /// The model's own filters.
    public var filter: ModelFilter
    /// The order of the records; ``RecordOrder/id`` unless set.
    public var order: RecordOrder = .id

    /// Creates a query.
    public init(
        integrationID: String,
        model: Model,
        pageSize: Int = Self.defaultPageSize,
        cursor: String? = nil,
        updatedAfter: Int64? = nil,
        includeDeleted: Bool = false,
        ids: [String] = [],
        remoteIDs: [String] = [],
        filter: ModelFilter = .none
    ) {
        self.integrationID = integrationID
        self.model = model
        self.pageSize = pageSize
        self.cursor = cursor
        self.updatedAfter = updatedAfter
        self.includeDeleted = includeDeleted
        self.ids = ids
        self.remoteIDs = remoteIDs
        self.filter = filter
    }

    /// Creates a query from a request's common filters, validating them.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` naming the field that is out of range
    ///   or the order this build does not know.
    public init(integrationID: String, model: Model, page: PageRequest?, filter: ModelFilter = .none) throws {
        let page = page ?? PageRequest()
        let size = page.pageSize.map(Int.init) ?? Self.defaultPageSize
        guard Self.pageSizes.contains(size) else {
            throw ATSBridgeError(.inputInvalid, "page_size must be from 1 to 1000, got \(size)")
        }
        self.init(
            integrationID: integrationID,
            model: model,
            pageSize: size,
            cursor: page.cursor,
            updatedAfter: page.updatedAfter,
            includeDeleted: page.includeDeleted ?? false,
            ids: page.ids,
            remoteIDs: page.remoteIDs,
            filter: filter
        )
        switch page.order ?? .unspecified {
        case .unspecified, .id: self.order = .id
        case .storage: self.order = .storage
        case .unrecognized(let value):
            throw ATSBridgeError(.inputInvalid, "order must be PAGE_ORDER_ID or PAGE_ORDER_STORAGE, got \(value)")
        }
    }
}

extension RecordQuery {
    /// Whether the query has no filter: every live (or, with `includeDeleted`, every) record of
    /// the model.
    public var isUnfiltered: Bool {
        self.filter.isEmpty && self.updatedAfter == nil && self.ids.isEmpty && self.remoteIDs.isEmpty
    }

    /// A stable hash of the filters (not the cursor or page size), bound into cursors so that a
    /// cursor only resumes the query that produced it.
    public var fingerprint: UInt64 {
        var hasher = StableHasher()
        hasher.add(self.integrationID)
        hasher.add(String(self.model.rawValue))
        hasher.add(self.updatedAfter.map(String.init) ?? "-")
        hasher.add(self.includeDeleted ? "1" : "0")
        for id in self.ids { hasher.add(id) }
        hasher.add("|")
        for id in self.remoteIDs { hasher.add(id) }
        hasher.add("|\(self.filter)")
        // Cursors of one order never resume the other (id-order fingerprints are unchanged).
        if self.order == .storage { hasher.add("|storage") }
        return hasher.value
    }
}

/// FNV-1a over strings with separators: stable across processes, unlike `Hasher`.
struct StableHasher {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ string: String) {
        for byte in string.utf8 { self.mix(byte) }
        self.mix(0xFF)
    }

    private mutating func mix(_ byte: UInt8) {
        self.value ^= UInt64(byte)
        self.value = self.value &* 0x100_0000_01b3
    }
}

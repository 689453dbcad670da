import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreRules
import NIOCore
import PostgresNIO

/// Builds one page's wire form (``RecordPage/itemsWire``) from rows whose columns are
/// ``PostgresStore/fetchedColumns``: each row's stored bytes, times and kept views are copied
/// from postgres-nio's buffers into the page. Rows whose kept views are stale are assembled
/// afterwards (batched) and spliced in at their place.
struct PageRows {
    let model: Model
    let pageSize: Int
    private let layout: RecordWire
    private let hasViews: Bool
    private(set) var wire: [UInt8] = []
    private(set) var count = 0
    private var lastIDBytes: ByteBuffer?
    private(set) var hasMore = false
    /// Stale rows, with where in `wire` each belongs.
    private var stale: [(position: Int, head: RecordHead, data: ByteBuffer, changedAt: Int64, deletedAt: Int64?)] = []

    init(model: Model, pageSize: Int) {
        self.model = model
        self.pageSize = pageSize
        self.layout = RecordWire(model)
        self.hasViews = NestedViewAssembly.models.contains(model)
        self.wire.reserveCapacity(min(pageSize, 1000) * 1024)
    }

    /// The id of the page's last record.
    var lastID: String? { self.lastIDBytes.map { String(buffer: $0) } }

    /// Adds one row; the row after a full page only notes that more exist.
    mutating func add(_ row: PostgresRow) throws {
        guard self.count < self.pageSize else {
            self.hasMore = true
            return
        }
        var cells = row.makeIterator()
        guard let id = cells.next()?.bytes, let changed = cells.next()?.bytes, let deleted = cells.next(),
            let data = cells.next()?.bytes, let candidate = cells.next(), let job = cells.next(),
            let stage = cells.next(), let view = cells.next()
        else {
            throw ATSBridgeError(.storeCorrupt, "a record row lacks a column")
        }
        self.count += 1
        self.lastIDBytes = id
        let changedAt = changed.getInteger(at: changed.readerIndex, as: Int64.self) ?? 0
        let deletedAt = deleted.bytes.flatMap { $0.getInteger(at: $0.readerIndex, as: Int64.self) }
        if self.hasViews, view.bytes == nil {
            let head = RecordHead(
                id: String(buffer: id),
                candidateID: candidate.bytes.map { String(buffer: $0) },
                jobID: job.bytes.map { String(buffer: $0) },
                stageID: stage.bytes.map { String(buffer: $0) }
            )
            self.stale.append((self.wire.count, head, data, changedAt, deletedAt))
            return
        }
        let viewBytes = view.bytes ?? ByteBuffer()
        data.withUnsafeReadableBytes { data in
            viewBytes.withUnsafeReadableBytes { view in
                self.layout.appendPageItem(
                    data: data,
                    changedAt: changedAt,
                    remoteDeletedAt: deletedAt,
                    view: view,
                    to: &self.wire
                )
            }
        }
    }

    /// Assembles the stale rows' views with `fetcher` and puts each item at its place.
    mutating func assembleStale(_ fetcher: NestedViewFetcher) async throws {
        guard !self.stale.isEmpty else { return }
        let views = try await fetcher.views(self.model, self.stale.map(\.head))
        var spliced: [UInt8] = []
        spliced.reserveCapacity(self.wire.count + self.stale.count * 1024)
        var from = 0
        for (entry, view) in zip(self.stale, views) {
            spliced.append(contentsOf: self.wire[from..<entry.position])
            let record = self.layout.record(
                data: entry.data.readableBytesView,
                changedAt: entry.changedAt,
                remoteDeletedAt: entry.deletedAt,
                view: view
            )
            self.layout.appendPageItem(record, to: &spliced)
            from = entry.position
        }
        spliced.append(contentsOf: self.wire[from...])
        self.wire = spliced
        self.stale = []
    }
}

/// Runs a ``NestedViewAssembly``'s lookups on one connection.
struct NestedViewFetcher {
    let connection: PostgresConnection
    let logger: Logger
    let integrationID: String

    init(_ connection: PostgresConnection, _ logger: Logger, _ integrationID: String) {
        self.connection = connection
        self.logger = logger
        self.integrationID = integrationID
    }

    /// The nested views of `records`, one per record, in order.
    func views(_ model: Model, _ records: [RecordHead]) async throws -> [[UInt8]] {
        var assembly = NestedViewAssembly(model: model, records: records)
        while case let lookups = try assembly.nextLookups(), !lookups.isEmpty {
            for lookup in lookups { assembly.receive(try await self.fetch(lookup), for: lookup) }
        }
        return try assembly.views()
    }

    /// The rows of one lookup.
    private func fetch(_ lookup: ChildLookup) async throws -> [ChildRow] {
        let columns = lookup.columns
        var bindings = PostgresBindings()
        bindings.append(self.integrationID)
        bindings.append(Int32(lookup.model.rawValue))
        bindings.append(lookup.keys)
        let select = (["id"] + columns.map(\.name)).joined(separator: ", ")
        let live = lookup.liveOnly ? " AND remote_deleted_at IS NULL" : ""
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT \(select) FROM records WHERE integration_id = $1 AND model = $2
                AND \(lookup.column.name) = ANY($3)\(live)
                """,
            binds: bindings
        )
        var result: [ChildRow] = []
        for try await row in try await self.connection.query(query, logger: self.logger) {
            var cells = row.makeIterator()
            guard let id = cells.next()?.bytes else { continue }
            var child = ChildRow(id: String(buffer: id))
            for column in columns {
                let bytes = cells.next()?.bytes
                switch column.kind {
                case .text: child.set(column, text: bytes.map { String(buffer: $0) })
                case .integer: child.set(column, integer: bytes.flatMap(Self.integer))
                case .blob: child.data = bytes.map { Array($0.readableBytesView) }
                }
            }
            result.append(child)
        }
        return result
    }

    /// A binary integer column of 2, 4 or 8 bytes.
    private static func integer(_ buffer: ByteBuffer) -> Int64? {
        switch buffer.readableBytes {
        case 8: buffer.getInteger(at: buffer.readerIndex, as: Int64.self)
        case 4: buffer.getInteger(at: buffer.readerIndex, as: Int32.self).map(Int64.init)
        case 2: buffer.getInteger(at: buffer.readerIndex, as: Int16.self).map(Int64.init)
        default: nil
        }
    }
}

/// A record with an integer id, as RECRU's are.
package protocol SandboxRecord: Sendable {
    var id: Int { get }
}

extension SandboxUser: SandboxRecord {}
extension SandboxProject: SandboxRecord {}
extension SandboxJobseeker: SandboxRecord {}
extension SandboxApplication: SandboxRecord {}
extension SandboxNamed: SandboxRecord {}

/// Records of one kind in id order: lists page through `ids`, lookups use `byID`.
package struct SandboxTable<Record: SandboxRecord>: Sendable {
    package private(set) var byID: [Int: Record] = [:]
    package private(set) var ids: [Int] = []

    package var count: Int { self.ids.count }

    package subscript(id: Int) -> Record? { self.byID[id] }

    /// Adds or replaces a record, keeping id order.
    package mutating func put(_ record: Record) {
        if self.byID.updateValue(record, forKey: record.id) == nil {
            if let last = self.ids.last, last > record.id {
                let index = self.ids.firstIndex { $0 > record.id } ?? self.ids.endIndex
                self.ids.insert(record.id, at: index)
            } else {
                self.ids.append(record.id)
            }
        }
    }

    /// Removes a record; it vanishes from lists, as deleted records do in RECRU.
    @discardableResult
    package mutating func remove(_ id: Int) -> Record? {
        guard let record = self.byID.removeValue(forKey: id) else { return nil }
        if let index = self.ids.firstIndex(of: id) { self.ids.remove(at: index) }
        return record
    }

    /// One 1-based page in id order, and the total, of the records `include` keeps (all by default),
    /// as RECRU's filtered lists count them.
    package func page(_ page: Int, limit: Int, where include: ((Record) -> Bool)? = nil) -> (
        items: [Record], total: Int
    ) {
        let start = (page - 1) * limit
        guard let include else {
            if start >= self.ids.count { return ([], self.ids.count) }
            let slice = self.ids[start..<min(self.ids.count, start + limit)]
            return (slice.compactMap { self.byID[$0] }, self.ids.count)
        }
        let kept = self.ids.compactMap { self.byID[$0] }.filter(include)
        if start >= kept.count { return ([], kept.count) }
        return (Array(kept[start..<min(kept.count, start + limit)]), kept.count)
    }

    package var all: [Record] { self.ids.compactMap { self.byID[$0] } }
}

/// Everything the sandbox holds.
package struct SandboxState: Sendable {
    package var users = SandboxTable<SandboxUser>()
    package var projects = SandboxTable<SandboxProject>()
    package var jobseekers = SandboxTable<SandboxJobseeker>()
    package var applications = SandboxTable<SandboxApplication>()
    package var tags = SandboxTable<SandboxNamed>()
    package var globalStages: [SandboxStage] = []
    package var sources: [SandboxNamed] = []
    package var rejectionReasons: [SandboxNamed] = []
    package var closeReasons: [SandboxNamed] = []
    /// Issued tokens and when they expire (ms since epoch).
    package var tokens: [String: Int64] = [:]
    /// Requests per token in the current rate-limit window.
    package var rateWindows: [String: (start: Int64, count: Int)] = [:]
    package var nextIDs: [String: Int] = [:]
    /// Records deleted through the admin API, restorable with their ids.
    package var trash = SandboxTrash()

    package mutating func nextID(_ kind: String) -> Int {
        let id = self.nextIDs[kind, default: 1]
        self.nextIDs[kind] = id + 1
        return id
    }
}

import ATSBridgeCore
import ATSBridgeProto

/// Whole list pages mapped to ``RemotePage``s; records RECRU sent in a shape that cannot be
/// mapped are counted and skipped rather than failing the whole sync.
extension RECRUMapper {
    /// A page of users.
    func users(_ items: [[String: Any]]) -> RemotePage {
        self.page(.user, items)
    }

    /// Global stages.
    func stages(_ items: [[String: Any]]) -> RemotePage {
        let (stages, skipped) = Self.each(items) { try self.stage($0) }
        return RemotePage(batches: [.applicationStages(stages)], skipped: skipped)
    }

    /// Tags.
    func tags(_ items: [[String: Any]]) -> RemotePage {
        let (tags, skipped) = Self.each(items) { try self.tag($0) }
        return RemotePage(batches: [.tags(tags)], skipped: skipped)
    }

    /// A page of projects: jobs, their stages, stage joins and hiring teams; a project any part
    /// of which cannot be mapped is skipped whole.
    func projects(_ items: [[String: Any]]) -> RemotePage {
        self.page(.job, items)
    }

    /// A page of applications.
    func applications(_ items: [[String: Any]]) -> RemotePage {
        self.page(.application, items)
    }

    /// A page of jobseekers: candidates and their tag joins.
    func candidates(_ items: [[String: Any]]) -> RemotePage {
        self.page(.candidate, items)
    }

    private func page(_ model: Model, _ items: [[String: Any]]) -> RemotePage {
        var builder = RECRUPageBuilder(model: model, mapper: self)
        for item in items { builder.add(item) }
        return builder.page
    }

    private static func each<T>(_ items: [[String: Any]], _ map: ([String: Any]) throws -> T) -> ([T], Int) {
        var records: [T] = []
        records.reserveCapacity(items.count)
        var skipped = 0
        for item in items {
            if let record = try? map(item) { records.append(record) } else { skipped += 1 }
        }
        return (records, skipped)
    }
}

import Logging
import PostgresNIO
import Synchronization

/// Keeps the planner's statistics of `records` fresh during bulk writes.
///
/// Right after a first sync the table has no statistics until autovacuum analyzes it (up to a
/// minute later, on its own schedule), and with none the planner may read a page through the
/// wrong index and sort it: 20 times slower. So a store that has written many rows analyzes the
/// table itself, at doubling intervals: about twenty times over a sync of a million records.
struct WriteStatistics: ~Copyable {
    private var sinceAnalyze = 0
    private var total = 0

    /// Notes `count` written rows; true when the table should be analyzed now.
    mutating func wrote(_ count: Int) -> Bool {
        self.total += count
        self.sinceAnalyze += count
        guard self.sinceAnalyze >= max(10_000, self.total / 2) else { return false }
        self.sinceAnalyze = 0
        return true
    }
}

extension PostgresStore {
    /// Notes rows an upsert or tombstone pass committed, and analyzes the tables when due. A
    /// failure only costs plan quality: it is logged, not thrown (the writes are committed).
    func noted(written count: Int) async {
        guard count > 0, self.statistics.withLock({ $0.wrote(count) }) else { return }
        do {
            _ = try await self.rows("ANALYZE records, candidate_emails")
        } catch {
            self.logger.notice("PostgreSQL store: ANALYZE failed", metadata: ["error": "\(error)"])
        }
    }
}

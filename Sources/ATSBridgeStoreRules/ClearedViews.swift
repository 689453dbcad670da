import ATSBridgeCore
public import ATSBridgeProto

/// The kept views one write transaction has already cleared, so that a rule naming them again
/// in the same transaction is skipped.
///
/// Nothing keeps a view inside a write transaction (the refresh runs in its own), and a written
/// record's view is cleared by the write itself, so a view cleared once stays cleared until the
/// commit. A sync's transaction writes candidates, then their applications, then their tags:
/// each of those names the same candidates (and their applications) again, and without the
/// ledger a backend reads every one of those rows once more to find its view already gone.
public struct ClearedViews: Sendable {
    private struct Key: Hashable {
        var model: Model
        var column: RecordColumn
        /// Compared by its bytes, as the stores compare keys.
        var key: ExactID
    }

    private var keys: Set<Key> = []

    /// An empty ledger, for a new transaction.
    public init() {}

    /// Records of `model` written in the transaction: the write cleared their views.
    public mutating func noteWritten(_ model: Model, ids: some Sequence<String>) {
        // Room for them at once: a first sync's transaction notes tens of thousands, and
        // growing the set one doubling at a time rehashes every key noted before.
        self.keys.reserveCapacity(self.keys.count + ids.underestimatedCount)
        for id in ids { self.keys.insert(Key(model: model, column: .id, key: ExactID(id))) }
    }

    /// `rule` without the keys whose views the transaction already cleared through the same
    /// model and column, noting the others as cleared. A rule through another model's records
    /// (``StaleViewRule/via``) is returned whole: which records its keys reach can change
    /// within the transaction.
    public mutating func remaining(_ rule: StaleViewRule) -> StaleViewRule {
        guard rule.via == nil else { return rule }
        var remaining = rule
        remaining.keys = rule.keys.filter {
            self.keys.insert(Key(model: rule.model, column: rule.column, key: ExactID($0))).inserted
        }
        return remaining
    }
}

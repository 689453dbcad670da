package import ATSBridgeCore
import Synchronization

/// One connection's share of the server's response memory, and the budget each of its calls
/// reads pages under: within the connection's share, the call's key's share and the server's
/// budget (``ResponseMemoryShares``).
///
/// A call's budget holds no state of its own, so the calls of one key on a connection share
/// one: the key's share is taken once per connection, not once per call.
package final class ConnectionResponseMemory: Sendable {
    private let shares: ResponseMemoryShares
    /// The connection's share.
    package let budget: ReadMemoryBudget
    /// The budgets of this connection's calls, by key name; `nil` once closed.
    private let calls = Mutex<[String: ReadMemoryBudget]?>([:])

    init(shares: ResponseMemoryShares, budget: ReadMemoryBudget) {
        self.shares = shares
        self.budget = budget
    }

    /// The budget a call of `principal` reads pages under: the server's budget for a call
    /// without a key (which reads no pages), otherwise one within the connection's, the key's
    /// and the server's.
    package func budget(for principal: Principal) -> ReadMemoryBudget {
        guard principal.access > .none else { return self.shares.server }
        let keyName = principal.keyName
        if let budget = self.calls.withLock({ $0?[keyName] }) { return budget }
        let key = self.shares.takeKeyShare(keyName)
        let made = ReadMemoryBudget(capacity: .max, within: [self.budget, key, self.shares.server])
        let (budget, keep) = self.calls.withLock { calls -> (ReadMemoryBudget, Bool) in
            // Another call of the key may have made one meanwhile; a closed connection keeps none.
            if let existing = calls?[keyName] { return (existing, false) }
            guard calls != nil else { return (made, false) }
            calls?[keyName] = made
            return (made, true)
        }
        if !keep { self.shares.giveBackKeyShare(keyName) }
        return budget
    }

    /// Gives back the key shares the connection's calls took, once they have ended. (A call made
    /// after still reads within its key's share, without holding it.)
    package func close() {
        let keyNames = self.calls.withLock { calls in
            defer { calls = nil }
            return calls.map { Array($0.keys) } ?? []
        }
        for keyName in keyNames { self.shares.giveBackKeyShare(keyName) }
    }
}

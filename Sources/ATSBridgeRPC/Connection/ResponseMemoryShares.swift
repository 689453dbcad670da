package import ATSBridgeCore
import Synchronization

/// How the server's memory for pages read and not yet sent is shared: the server's budget, and
/// the shares of it that one connection and one API key may hold, so that no client can take
/// all of it from the others.
///
/// A call's pages count against its connection's share, its key's share and the server's
/// budget at once (``ReadMemoryBudget/init(capacity:within:observe:waited:)``); it reads a page
/// only while all three have room.
package final class ResponseMemoryShares: Sendable {
    private struct KeyShare {
        var budget: ReadMemoryBudget
        /// Connections whose calls used the key.
        var holders: Int
    }

    /// The server's budget.
    package let server: ReadMemoryBudget
    /// The most bytes one connection's calls may hold.
    package let connectionCapacity: Int
    /// The most bytes the calls of one API key may hold, over all its connections.
    package let keyCapacity: Int
    private let keys = Mutex([String: KeyShare]())

    /// Shares of `server`: `connectionCapacity` bytes per connection and `keyCapacity` per key.
    package init(server: ReadMemoryBudget, connectionCapacity: Int, keyCapacity: Int) {
        self.server = server
        self.connectionCapacity = max(connectionCapacity, 1)
        self.keyCapacity = max(keyCapacity, 1)
    }

    /// The response memory of a new connection; ``ConnectionResponseMemory/close()`` it when the
    /// connection's calls have ended.
    package func connection() -> ConnectionResponseMemory {
        ConnectionResponseMemory(
            shares: self,
            budget: ReadMemoryBudget(
                capacity: self.connectionCapacity,
                waited: { RPCMetrics.limitHit(.connectionResponseMemory) }
            )
        )
    }

    /// `keyName`'s share, held for a connection until ``giveBackKeyShare(_:)``.
    ///
    /// Shares that no connection holds and that hold no page any more are forgotten here, so the
    /// registry keeps only keys in use (a share may still hold pages in sockets after its last
    /// connection gave it back, and a new connection of the key finds those counted).
    func takeKeyShare(_ keyName: String) -> ReadMemoryBudget {
        self.keys.withLock { keys in
            keys = keys.filter { $0.value.holders > 0 || $0.value.budget.used > 0 }
            let budget =
                keys[keyName]?.budget
                ?? ReadMemoryBudget(capacity: self.keyCapacity, waited: { RPCMetrics.limitHit(.keyResponseMemory) })
            keys[keyName] = KeyShare(budget: budget, holders: (keys[keyName]?.holders ?? 0) + 1)
            return budget
        }
    }

    /// Gives back a share taken with ``takeKeyShare(_:)``.
    func giveBackKeyShare(_ keyName: String) {
        self.keys.withLock { keys in
            guard var share = keys[keyName] else { return }
            share.holders -= 1
            if share.holders <= 0, share.budget.used == 0 {
                keys.removeValue(forKey: keyName)
            } else {
                keys[keyName] = share
            }
        }
    }

    /// The keys whose shares are kept now (for tests).
    package var keptKeys: Int { self.keys.withLock { $0.count } }
}

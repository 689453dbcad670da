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
        var calls: Int
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

    /// A new connection's share.
    package func connectionShare() -> ReadMemoryBudget {
        ReadMemoryBudget(capacity: self.connectionCapacity, waited: { RPCMetrics.limitHit(.connectionResponseMemory) })
    }

    /// The budget of one call of `keyName` on the connection holding `connection`; call
    /// ``callEnded(keyName:)`` when the call ends.
    package func callStarted(keyName: String, connection: ReadMemoryBudget) -> ReadMemoryBudget {
        let key = self.keys.withLock { keys in
            let budget =
                keys[keyName]?.budget
                ?? ReadMemoryBudget(capacity: self.keyCapacity, waited: { RPCMetrics.limitHit(.keyResponseMemory) })
            keys[keyName] = KeyShare(budget: budget, calls: (keys[keyName]?.calls ?? 0) + 1)
            return budget
        }
        return ReadMemoryBudget(capacity: Int.max, within: [connection, key, self.server])
    }

    /// Notes that a call of `keyName` ended. A key's share is forgotten once it has no calls
    /// and holds nothing: pages still in sockets keep counting against the share they were
    /// charged to, which the key's next call then finds.
    package func callEnded(keyName: String) {
        self.keys.withLock { keys in
            guard var share = keys[keyName] else { return }
            share.calls -= 1
            if share.calls <= 0, share.budget.used == 0 {
                keys.removeValue(forKey: keyName)
            } else {
                keys[keyName] = share
            }
        }
    }

    /// The keys whose shares are kept now (for tests).
    package var keptKeys: Int { self.keys.withLock { $0.count } }
}

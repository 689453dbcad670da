import ATSBridgeCore
import ATSBridgeRPC
import Testing

/// The shares' bookkeeping: one budget per key on a connection, a key's share kept while a
/// connection holds it or it holds pages, and forgotten after.
@Suite struct ResponseMemorySharesTests {
    private let reader = Principal(keyName: "reader", access: .read)
    private let writer = Principal(keyName: "writer", access: .write)

    private func shares() -> ResponseMemoryShares {
        ResponseMemoryShares(server: ReadMemoryBudget(capacity: 1_000), connectionCapacity: 100, keyCapacity: 200)
    }

    @Test func callsOfOneKeyOnAConnectionShareOneBudget() {
        let shares = self.shares()
        let connection = shares.connection()
        let first = connection.budget(for: self.reader)
        #expect(first === connection.budget(for: self.reader))
        #expect(first !== connection.budget(for: self.writer))
        #expect(connection.budget(for: .anonymous) === shares.server, "a call without a key reads no pages")
        #expect(shares.keptKeys == 2)
        // A page of one call counts against the connection, the key and the server.
        let page = first.charge(50)
        #expect(connection.budget.used == 50 && shares.server.used == 50)
        #expect(connection.budget(for: self.writer).hasRoom)
        let more = first.charge(50)
        #expect(!connection.budget(for: self.writer).hasRoom, "the connection's share is full for every key")
        page.release()
        more.release()
        connection.close()
        #expect(shares.keptKeys == 0)
    }

    @Test func aKeysShareCountsOverItsConnectionsAndIsForgottenOnceUnused() {
        let shares = self.shares()
        let one = shares.connection()
        let two = shares.connection()
        let onOne = one.budget(for: self.reader).charge(100)
        let onTwo = two.budget(for: self.reader).charge(100)
        #expect(!one.budget(for: self.reader).hasRoom && !two.budget(for: self.reader).hasRoom)
        #expect(shares.connection().budget(for: self.writer).hasRoom, "another key still reads")
        one.close()
        two.close()
        #expect(shares.keptKeys == 2, "the reader's share still holds pages, the writer's a connection")
        // A new connection of the key finds the pages still held in its share.
        let three = shares.connection()
        #expect(!three.budget(for: self.reader).hasRoom)
        onOne.release()
        onTwo.release()
        #expect(three.budget(for: self.reader).hasRoom)
        three.close()
        // Shares that nothing holds are forgotten when another is taken.
        _ = shares.connection().budget(for: Principal(keyName: "admin", access: .admin))
        #expect(shares.keptKeys == 2, "the admin's, and the writer's: its connection was never closed")
    }
}

import ATSBridgeCore
import ATSBridgeRPC
import ATSBridgeTestSupport
import Testing

@Suite struct GateTests {
    @Test func creditIsTakenUntilNoneIsLeftThenAGrantWakesTheWaiter() async throws {
        let gate = CreditGate(initial: 2)
        try await gate.acquire()
        try await gate.acquire()
        let waiting = Task { try await gate.acquire() }
        gate.grant(1)
        try await waiting.value
    }

    @Test func closingFailsTheWaiterAndLaterAcquires() async throws {
        struct Closed: Error {}
        let gate = CreditGate(initial: 0)
        let waiting = Task { try await gate.acquire() }
        gate.close(Closed())
        await #expect(throws: Closed.self) { try await waiting.value }
        await #expect(throws: Closed.self) { try await gate.acquire() }
    }

    @Test func aCancelledCreditWaitThrowsCancellation() async throws {
        let gate = CreditGate(initial: 0)
        let waiting = Task { try await gate.acquire() }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        // The gate still works for the next acquire.
        gate.grant(1)
        try await gate.acquire()
    }

    @Test func writersWaitWhileTheSocketIsNotWritable() async throws {
        let gate = WritabilityGate()
        try await gate.waitUntilWritable()
        gate.setWritable(false)
        let waiting = Task { try await gate.waitUntilWritable() }
        gate.setWritable(false)
        gate.setWritable(true)
        try await waiting.value
    }

    @Test func closingTheWritabilityGateFailsWriters() async throws {
        struct Closed: Error {}
        let gate = WritabilityGate()
        gate.setWritable(false)
        let waiting = Task { try await gate.waitUntilWritable() }
        gate.close(Closed())
        await #expect(throws: Closed.self) { try await waiting.value }
        await #expect(throws: Closed.self) { try await gate.waitUntilWritable() }
    }
}

@Suite struct StreamRulesTests {
    /// The results of `steps` applied in order to `credit`.
    private func results(_ credit: inout StreamCredit, _ steps: [(inout StreamCredit) -> Bool]) -> [Bool] {
        steps.map { $0(&credit) }
    }

    @Test func creditMayReachExactlyTwoToThe31MinusOne() {
        var credit = StreamCredit(initial: 0)
        let max = UInt32(Int32.max)
        let results = self.results(&credit, [{ $0.grant(max) }, { $0.grant(1) }, { $0.consume() }, { $0.grant(1) }])
        #expect(results == [true, false, true, true])
        #expect(credit.available == Int(Int32.max))
    }

    @Test func cumulativeGrantsPastTheMaximumAreRefused() {
        var credit = StreamCredit(initial: 32)
        let results = self.results(&credit, [{ $0.grant(1 << 30) }, { $0.grant(1 << 30) }])
        #expect(results == [true, false])
        #expect(credit.available == 32 + (1 << 30))
    }

    @Test func aGrantOfZeroIsRefusedAndAMessageNeedsCredit() {
        var credit = StreamCredit(initial: 1)
        let results = self.results(&credit, [{ $0.grant(0) }, { $0.consume() }, { $0.consume() }])
        #expect(results == [false, true, false])
    }

    @Test func theStreamTableTellsClosedStreamsFromNeverOpenedOnes() {
        var table = StreamTable<Int>()
        #expect(table.lookup(0) == .neverOpened)
        let claims = [table.claim(3), table.claim(3), table.claim(2), table.claim(0)]
        #expect(claims == [true, false, false, false])
        table.open(3, 30)
        #expect(table.lookup(3) == .open)
        #expect(table.lookup(1) == .closed)
        #expect(table.lookup(4) == .neverOpened)
        let updated: Void? = table.update(3) { $0 += 1 }
        #expect(updated != nil)
        #expect(table[3] == 31)
        let closed = table.close(3)
        #expect(closed == 31)
        #expect(table.lookup(3) == .closed)
        #expect(table.isEmpty)
    }
}

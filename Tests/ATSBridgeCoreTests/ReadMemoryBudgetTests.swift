import ATSBridgeCore
import ATSBridgeTestSupport
import Synchronization
import Testing

/// The server's memory for pages not yet sent: charges come back exactly once, reads wait
/// while it is full, in turn, and a waiting read can be cancelled.
@Suite struct ReadMemoryBudgetTests {
    @Test func chargesComeBackOnReleaseOrWhenDropped() {
        let budget = ReadMemoryBudget(capacity: 100)
        let first = budget.charge(60)
        do {
            let second = budget.charge(70)
            #expect(budget.used == 130 && budget.peak == 130)
            #expect(second.charged == 70)
        }
        // Dropped without a release: given back all the same.
        #expect(budget.used == 60)
        first.release()
        first.release()
        #expect(budget.used == 0, "a second release gives nothing back twice")
        #expect(first.charged == 0 && budget.peak == 130)
    }

    @Test func aReadRunsAtOnceWithRoomAndQueuesWithout() async throws {
        let waits = Mutex(0)
        let budget = ReadMemoryBudget(capacity: 100, waited: { waits.withLock { $0 += 1 } })
        let ran = Mutex<[String]>([])
        #expect(budget.whenRoom { ran.withLock { $0.append("at once") } } == nil)
        let first = budget.charge(20)
        let second = budget.charge(80)
        #expect(!budget.hasRoom)
        #expect(budget.whenRoom { ran.withLock { $0.append("queued") } } != nil)
        #expect(waits.withLock { $0 } == 1)
        first.release()
        // 80 of 100: under the capacity, but a read waits (until the low-water mark, 75), so a
        // newcomer queues behind it rather than overtaking it.
        #expect(ran.withLock { $0 } == ["at once"])
        #expect(!budget.hasRoom)
        second.release()
        // Woken on a task of its own, never inside the release.
        try await eventually("the queued read to run") { ran.withLock { $0 } == ["at once", "queued"] }
        #expect(budget.hasRoom)
    }

    @Test func waitingReadsWakeTogetherOnceAQuarterIsFree() async throws {
        let budget = ReadMemoryBudget(capacity: 100)
        let ran = Mutex<[String]>([])
        let big = budget.charge(80)
        let small = budget.charge(20)
        budget.whenRoom { ran.withLock { $0.append("first") } }
        budget.whenRoom { ran.withLock { $0.append("second") } }
        small.release()
        #expect(budget.used == 80)
        #expect(ran.withLock { $0 }.isEmpty, "80 is over the low-water mark of 75")
        big.release()
        try await eventually("both reads to run, in the order they asked") {
            ran.withLock { $0 } == ["first", "second"]
        }
        #expect(budget.hasRoom)
    }

    @Test func aWithdrawnWaitNeverRuns() {
        let budget = ReadMemoryBudget(capacity: 10)
        let ran = Mutex(false)
        let held = budget.charge(10)
        let token = budget.whenRoom { ran.withLock { $0 = true } }
        #expect(token.map(budget.cancelWait) == true)
        #expect(!budget.hasRoom, "still full")
        held.release()
        #expect(!ran.withLock { $0 })
        #expect(budget.hasRoom)
    }

    @Test func waitForRoomReturnsOnceThereIsRoom() async throws {
        let waits = Mutex(0)
        let budget = ReadMemoryBudget(capacity: 10, waited: { waits.withLock { $0 += 1 } })
        try await budget.waitForRoom()
        #expect(waits.withLock { $0 } == 0)
        let held = budget.charge(10)
        let waiter = Task { try await budget.waitForRoom() }
        try await eventually("the task to wait") { waits.withLock { $0 } == 1 }
        held.release()
        try await waiter.value
    }

    @Test func aCancelledWaitThrowsAndLeavesNoWaiterBehind() async throws {
        let waits = Mutex(0)
        let budget = ReadMemoryBudget(capacity: 10, waited: { waits.withLock { $0 += 1 } })
        let most = budget.charge(9)
        let rest = budget.charge(1)
        let waiter = Task { try await budget.waitForRoom() }
        try await eventually("the task to wait") { waits.withLock { $0 } == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        // 9 of 10 is over the low-water mark (8), so nothing is woken: only if the cancelled
        // wait left no waiter behind does a newcomer find room.
        rest.release()
        #expect(budget.hasRoom)
        most.release()
        // A task cancelled before it waits does not wait.
        let full = budget.charge(10)
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await budget.waitForRoom()
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        full.release()
        #expect(budget.used == 0 && budget.hasRoom)
    }

    @Test func aShareChargesEveryBudgetItIsWithin() {
        let server = ReadMemoryBudget(capacity: 1_000)
        let connection = ReadMemoryBudget(capacity: 100)
        let call = ReadMemoryBudget(capacity: .max, within: [connection, server])
        do {
            let page = call.charge(60)
            #expect(call.used == 60 && connection.used == 60 && server.used == 60)
            page.release()
            #expect(call.used == 0 && connection.used == 0 && server.used == 0)
            let dropped = call.charge(40)
            #expect(dropped.charged == 40 && server.used == 40)
        }
        #expect(connection.used == 0 && server.used == 0, "a dropped charge is given back to every budget")
    }

    @Test func aShareHasRoomOnlyWhileEveryBudgetItIsWithinHasRoom() {
        let server = ReadMemoryBudget(capacity: 1_000)
        let connection = ReadMemoryBudget(capacity: 100)
        let call = ReadMemoryBudget(capacity: .max, within: [connection, server])
        let other = ReadMemoryBudget(capacity: .max, within: [ReadMemoryBudget(capacity: 10_000), server])
        let held = call.charge(100)
        #expect(!call.hasRoom, "its connection's share is full")
        #expect(other.hasRoom, "another connection's calls still read")
        held.release()
        let big = other.charge(1_000)
        #expect(!other.hasRoom && !call.hasRoom, "the server's budget is full for both")
        big.release()
        #expect(call.hasRoom && other.hasRoom)
    }

    @Test func aShareWaitsForTheBudgetItIsWithinAndCanStopWaiting() async throws {
        let server = ReadMemoryBudget(capacity: 100)
        let call = ReadMemoryBudget(capacity: .max, within: [ReadMemoryBudget(capacity: 1_000), server])
        let ran = Mutex<[String]>([])
        let full = server.charge(100)
        let kept = try #require(call.whenRoom { ran.withLock { $0.append("kept") } })
        let withdrawn = try #require(call.whenRoom { ran.withLock { $0.append("withdrawn") } })
        #expect(kept != withdrawn)
        #expect(call.cancelWait(withdrawn))
        #expect(!call.cancelWait(withdrawn), "a wait is withdrawn once")
        full.release()
        try await eventually("the kept read to run") { ran.withLock { $0 } == ["kept"] }
        #expect(!call.cancelWait(kept), "a wait that ran is not withdrawn")
        #expect(ran.withLock { $0 } == ["kept"])
        #expect(call.pendingWaits == 0 && server.pendingWaits == 0, "nothing of the waits is left behind")
    }

    @Test func aReadWaitsForEachFullBudgetInTurn() async throws {
        let server = ReadMemoryBudget(capacity: 1_000)
        let connection = ReadMemoryBudget(capacity: 100)
        let call = ReadMemoryBudget(capacity: .max, within: [connection, server])
        let pages = Mutex<[ReadMemoryCharge]>([call.charge(100)])
        let others = server.charge(1_000)
        let read = Retrying(call)
        read.start()
        #expect(!read.done)
        #expect(connection.pendingWaits == 1, "it waits for its connection's share first")
        pages.withLock { $0.removeAll() }
        try await eventually("the read to wait for the server next") { server.pendingWaits == 1 }
        #expect(!read.done)
        others.release()
        try await eventually("the read to find room in both") { read.done }
        #expect(call.pendingWaits == 0 && connection.pendingWaits == 0 && server.pendingWaits == 0)
    }
}

/// A read that asks for room again each time it is woken and finds none, as stores do.
private final class Retrying: Sendable {
    private let budget: ReadMemoryBudget
    private let finished = Mutex(false)

    init(_ budget: ReadMemoryBudget) {
        self.budget = budget
    }

    var done: Bool { self.finished.withLock { $0 } }

    func start() {
        guard self.budget.hasRoom else {
            self.budget.whenRoom { self.start() }
            return
        }
        self.finished.withLock { $0 = true }
    }
}

import ATSBridgeCore
import ATSBridgeTestSupport
import Testing

@Suite struct AsyncOneShotTests {
    struct Boom: Error, Equatable {}

    @Test func aValueSetBeforeWaitingIsReturnedAtOnce() async throws {
        let shot = AsyncOneShot<Int>()
        #expect(shot.succeed(7))
        #expect(try await shot.value() == 7)
        #expect(try await shot.value() == 7)
    }

    @Test func theFirstCompletionWins() async throws {
        let shot = AsyncOneShot<Int>()
        #expect(shot.succeed(1))
        #expect(!shot.succeed(2))
        #expect(!shot.fail(Boom()))
        #expect(try await shot.value() == 1)
    }

    @Test func everyWaiterIsWokenWithTheValue() async throws {
        let shot = AsyncOneShot<Int>()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<5 { group.addTask { try await shot.value() } }
            shot.succeed(42)
            for try await value in group { #expect(value == 42) }
        }
    }

    @Test func waitersReceiveTheFailure() async throws {
        let shot = AsyncOneShot<Int>()
        let waiting = Task { try await shot.value() }
        shot.fail(Boom())
        await #expect(throws: Boom.self) { try await waiting.value }
    }

    @Test func aCancelledWaiterStopsWaitingAndOthersStillGetTheValue() async throws {
        let shot = AsyncOneShot<Int>()
        let cancelled = Task { try await shot.value() }
        let other = Task { try await shot.value() }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        shot.succeed(3)
        #expect(try await other.value == 3)
    }

    @Test func aTaskCancelledBeforeWaitingDoesNotWait() async throws {
        let shot = AsyncOneShot<Int>()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await shot.value()
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(shot.result == nil)
    }
}

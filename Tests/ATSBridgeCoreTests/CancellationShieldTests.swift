import ATSBridgeCore
import Testing

@Suite struct CancellationShieldTests {
    struct Boom: Error, Equatable {}

    @Test func theOperationRunsToItsEndWhenTheCallerIsCancelled() async throws {
        let started = AsyncOneShot<Void>()
        let gate = AsyncOneShot<Void>()
        let caller = Task {
            await withCancellationShield { () async -> Bool in
                started.succeed(())
                // Throws CancellationError if the shield let the caller's cancellation through.
                let waited = (try? await gate.value()) != nil
                return waited && !Task.isCancelled
            }
        }
        try await started.value()
        caller.cancel()
        gate.succeed(())
        #expect(await caller.value)
    }

    @Test func theCallerWaitsForTheValue() async {
        let value = await withCancellationShield { 42 }
        #expect(value == 42)
    }

    @Test func anErrorOfTheOperationReachesTheCaller() async {
        await #expect(throws: Boom.self) {
            try await withCancellationShield { () async throws -> Int in throw Boom() }
        }
    }
}

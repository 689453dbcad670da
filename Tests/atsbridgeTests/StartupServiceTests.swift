import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import ATSBridgeApp

/// A shutdown while a start-up step still runs (a demo's first sync) is graceful for the rest.
@Suite struct StartupServiceTests {
    /// A service that tells whether it was asked to stop gracefully or cancelled.
    final class Draining: Service, Sendable {
        let outcome = Mutex<String?>(nil)

        func run() async throws {
            try? await gracefulShutdown()
            // What an RPC server does in its grace period: lets running calls finish.
            do {
                try await Task.sleep(for: .milliseconds(50))
                self.outcome.withLock { $0 = "drained" }
            } catch {
                self.outcome.withLock { $0 = "cancelled" }
            }
        }
    }

    @Test func aShutdownDuringTheStartUpStepLetsTheOtherServicesDrain() async throws {
        let logger = Logger(label: "test")
        let started = Mutex(false)
        let startup = StartupService(logger: logger) {
            started.withLock { $0 = true }
            try await Task.sleep(for: .seconds(3600))
        }
        let draining = Draining()
        let group = ServiceGroup(services: [draining, startup], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
            await group.triggerGracefulShutdown()
            // Before the fix the step's CancellationError failed the group and cancelled the rest.
            try await tasks.next()
        }
        #expect(draining.outcome.withLock { $0 } == "drained")
    }
}

public import Logging
public import ServiceLifecycle

/// Runs `service` in a service group for the duration of `body`, then shuts it down gracefully
/// and waits for it, also when `body` throws. `body` gets the group, to trigger a shutdown early.
public func withRunningService<S: Service>(
    _ service: S,
    logger: Logger,
    _ body: (S, ServiceGroup) async throws -> Void
) async throws {
    let group = ServiceGroup(services: [service], logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            try await body(service, group)
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

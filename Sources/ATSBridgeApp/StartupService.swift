import Logging
import ServiceLifecycle

/// Runs a start-up step once the other services run (print the banner, set up the demo), then
/// stays until graceful shutdown. A failing step fails the ServiceGroup, which shuts down.
final class StartupService: Service, Sendable {
    private let logger: Logger
    private let body: @Sendable () async throws -> Void

    init(logger: Logger, _ body: @escaping @Sendable () async throws -> Void) {
        self.logger = logger
        self.body = body
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await self.body()
            }
        } catch  where Task.isShuttingDownGracefully {
            // Stopped by the shutdown (a demo's first sync still running), not failed: failing
            // would cancel every other service, the RPC calls the shutdown lets finish included.
            self.logger.info("start-up step stopped by the shutdown")
            return
        }
        try? await gracefulShutdown()
    }
}

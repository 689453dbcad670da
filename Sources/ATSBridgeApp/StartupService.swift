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
        try await cancelWhenGracefulShutdown {
            try await self.body()
        }
        try? await gracefulShutdown()
    }
}

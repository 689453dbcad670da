import ATSBridgeCore
import Logging
import ServiceLifecycle

/// Keeps the store's nested views assembled: refreshes stale ones in batches while any are
/// left, then checks again every second. Reads are correct either way (stale views are
/// assembled on the fly); this makes them fast.
final class ViewRefreshService: Service, Sendable {
    /// How the service paces itself.
    struct Configuration: Sendable {
        /// Views refreshed per transaction (the writer is held that long). Default 1,000.
        var batchSize = 1000
        /// The wait once nothing is stale. Default 1 s.
        var idleInterval: Duration = .seconds(1)
        /// The wait after a failure. Default 30 s.
        var failureInterval: Duration = .seconds(30)
    }

    private let cache: any NestedViewCache
    private let configuration: Configuration
    private let logger: Logger

    init(cache: any NestedViewCache, configuration: Configuration = Configuration(), logger: Logger) {
        self.cache = cache
        self.configuration = configuration
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let pause: Duration
                do {
                    let refreshed = try await self.cache.refreshStaleViews(limit: self.configuration.batchSize)
                    pause = refreshed < self.configuration.batchSize ? self.configuration.idleInterval : .zero
                } catch {
                    // Shutting down cancels a refresh in flight; that is not a failure.
                    if Task.isCancelled || error is CancellationError { return }
                    self.logger.error("Nested view refresh failed", metadata: [LogKey.errorDescription: "\(error)"])
                    pause = self.configuration.failureInterval
                }
                if pause > .zero { try? await Task.sleep(for: pause) }
            }
        }
    }
}

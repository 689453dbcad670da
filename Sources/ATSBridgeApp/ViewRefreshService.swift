import ATSBridgeCore
import ATSBridgeProto
import Logging
import ServiceLifecycle

/// Keeps the store's nested views assembled: refreshes stale ones in batches while any are
/// left, then checks again every second. Reads are correct either way (stale views are
/// assembled on the fly); this makes them fast.
///
/// Only integrations whose first sync has completed are refreshed. Until then their data
/// cannot be read (`INTEGRATION.SETUP_SYNC_PENDING`), and a view kept during the first sync
/// is mostly made stale again by the records that follow it (applications come before their
/// candidates), while each refresh holds the store's one writer that the sync writes through.
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
    private let integrations: any IntegrationStore
    private let configuration: Configuration
    private let logger: Logger

    init(
        cache: any NestedViewCache,
        integrations: any IntegrationStore,
        configuration: Configuration = Configuration(),
        logger: Logger
    ) {
        self.cache = cache
        self.integrations = integrations
        self.configuration = configuration
        self.logger = logger
    }

    /// The integrations whose views are kept: those whose first sync has completed.
    private func readyIntegrations() async throws -> [String] {
        try await self.integrations.integrations().compactMap {
            $0.integration.setupStatus == .completed ? $0.integration.id : nil
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let pause: Duration
                do {
                    let refreshed = try await self.cache.refreshStaleViews(
                        limit: self.configuration.batchSize,
                        of: try await self.readyIntegrations()
                    )
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

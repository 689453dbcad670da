import ATSBridgeCore
import ATSBridgeSync
import Logging
import ServiceLifecycle

/// Applies the store's retention policy every hour: blanks personal data of records deleted
/// upstream more than 14 days ago, and forgets idempotency keys older than 24 hours.
final class RetentionService: Service, Sendable {
    private let store: any Store
    private let policy: RetentionPolicy
    private let interval: Duration
    private let clock: any SyncClock
    private let logger: Logger

    init(
        store: any Store,
        policy: RetentionPolicy = .defaults,
        interval: Duration = .seconds(3600),
        clock: any SyncClock,
        logger: Logger
    ) {
        self.store = store
        self.policy = policy
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let result = try await self.store.applyRetention(self.policy, now: self.clock.nowMilliseconds())
                    if result.blanked + result.keysPurged > 0 {
                        self.logger.info(
                            "Retention applied",
                            metadata: [
                                LogKey.retentionRecordsBlanked: "\(result.blanked)",
                                LogKey.retentionKeysPurged: "\(result.keysPurged)",
                            ]
                        )
                    }
                } catch is CancellationError {
                    return  // the server is stopping (perhaps failing to start): nothing to report
                } catch {
                    self.logger.error("Retention failed", metadata: [LogKey.errorDescription: "\(error)"])
                }
                try? await self.clock.sleep(for: self.interval)
            }
        }
    }
}

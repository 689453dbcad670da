public import ATSBridgeCore
import ATSBridgeProto
import Synchronization

/// Guards reads of integrations: an unknown integration is NOT_FOUND, and one whose first
/// sync has not finished is FAILED_PRECONDITION `INTEGRATION.SETUP_SYNC_PENDING`, so clients
/// never mistake a half-mirrored store for RECRU's data.
///
/// Integrations whose setup completed are remembered, so steady-state reads cost no store
/// lookup.
public final class IntegrationReadGate: Sendable {
    private let store: any IntegrationStore
    private let ready = Mutex<Set<String>>([])

    /// Creates a gate over the store that holds the integrations.
    public init(store: any IntegrationStore) {
        self.store = store
    }

    /// Throws unless the integration's data may be read.
    public func check(_ integrationID: String) async throws {
        if self.ready.withLock({ $0.contains(integrationID) }) { return }
        guard let stored = try await self.store.integration(id: integrationID) else {
            throw ATSBridgeError(.notFound, "no integration with id \(integrationID)")
        }
        guard stored.integration.setupStatus == .completed else {
            throw ATSBridgeError(
                .integrationSetupSyncPending,
                "the first sync of integration \(integrationID) has not finished; retry when its setup status is COMPLETED"
            )
        }
        self.ready.withLock { _ = $0.insert(integrationID) }
    }

    /// Forgets an integration, e.g. after it was deleted.
    public func forget(_ integrationID: String) {
        self.ready.withLock { _ = $0.remove(integrationID) }
    }
}

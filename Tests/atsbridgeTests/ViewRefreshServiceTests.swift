import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import ATSBridgeTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import ATSBridgeApp

/// The background refresh of kept views waits for each integration's first sync.
@Suite struct ViewRefreshServiceTests {
    /// The store's view cache, recording which integrations each refresh named and what it did.
    final class RecordingCache: NestedViewCache {
        let store: SQLiteStore
        let calls = Mutex<[(integrations: [String], refreshed: Int)]>([])

        init(store: SQLiteStore) {
            self.store = store
        }

        func refreshStaleViews(limit: Int) async throws -> Int {
            Issue.record("the service refreshes named integrations only")
            return try await self.store.refreshStaleViews(limit: limit)
        }

        func refreshStaleViews(limit: Int, of integrationIDs: [String]) async throws -> Int {
            let refreshed = try await self.store.refreshStaleViews(limit: limit, of: integrationIDs)
            self.calls.withLock { $0.append((integrationIDs, refreshed)) }
            return refreshed
        }

        func invalidateAllViews() async throws { try await self.store.invalidateAllViews() }
    }

    private static let batch = 2

    /// Runs the service until a refresh names `integration` and finds less than a batch left.
    private func runUntilIdle(_ cache: RecordingCache, naming integration: String) async throws {
        var configuration = ViewRefreshService.Configuration()
        configuration.batchSize = Self.batch
        configuration.idleInterval = .milliseconds(10)
        let service = ViewRefreshService(
            cache: cache,
            integrations: cache.store,
            configuration: configuration,
            logger: Logger(label: "test")
        )
        let task = Task { try await service.run() }
        defer { task.cancel() }
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let idle = cache.calls.withLock { calls in
                calls.contains { $0.integrations.contains(integration) && $0.refreshed < Self.batch }
            }
            if idle { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        task.cancel()
        try? await task.value
    }

    @Test func viewsOfAnIntegrationWaitForItsFirstSyncToComplete() async throws {
        let path = TemporaryFiles.unique("atsbridge-view-refresh").appendingPathComponent("atsbridge.sqlite").path
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        let candidates = (0..<3).map { SampleRecords.candidate(index: $0) }
        for (id, setup) in [("int-ready", SetupStatus.completed), ("int-pending", .syncPending)] {
            let integration = Integration(id: id, tenantURL: "https://\(id).example", login: "api", setupStatus: setup)
            try await store.saveIntegration(StoredIntegration(integration: integration, encryptedCredentials: [1]))
            _ = try await store.upsert(.candidates(candidates), integrationID: id, at: 1_000)
        }
        let cache = RecordingCache(store: store)

        try await self.runUntilIdle(cache, naming: "int-ready")
        let named = Set(cache.calls.withLock { $0.flatMap(\.integrations) })
        #expect(named == ["int-ready"], "only the completed integration is refreshed")
        #expect(try await store.refreshStaleViews(limit: 100, of: ["int-ready"]) == 0)

        _ = try await store.updateIntegration(id: "int-pending") { $0.setupStatus = .completed }
        try await self.runUntilIdle(cache, naming: "int-pending")
        // Every view is kept now: the pending integration's three were refreshed once it completed.
        #expect(try await store.refreshStaleViews(limit: 100) == 0)
        let refreshed = cache.calls.withLock { $0.reduce(0) { $0 + $1.refreshed } }
        #expect(refreshed == 6)
        await store.close()
    }
}

import ATSBridgeCore
import ATSBridgeProto
import Foundation
import GRDB
import Testing

@testable import ATSBridgeStoreSQLite

/// The SQLite store keeps views only for integrations whose first sync has completed, and its
/// writes for the others skip clearing views (docs/store.md, "Kept nested views"): whatever
/// happens while an integration is not set up, its reads equal views assembled from scratch.
@Suite struct SQLiteViewsAfterSetupTests {
    let fixture = StoreFixture()
    var id: String { self.fixture.integrationID }

    private func makeStore(_ path: String = temporaryDatabasePath()) async throws -> SQLiteStore {
        try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
    }

    private func save(_ store: SQLiteStore, _ setup: SetupStatus) async throws {
        let integration = Integration(id: self.id, tenantURL: "https://x.example", login: "api", setupStatus: setup)
        try await store.saveIntegration(StoredIntegration(integration: integration, encryptedCredentials: [1]))
    }

    private func setSetup(_ store: SQLiteStore, _ setup: SetupStatus) async throws {
        _ = try await store.updateIntegration(id: self.id) { $0.setupStatus = setup }
    }

    /// Every record with nested views, as served.
    private func served(_ store: SQLiteStore) async throws -> [[UInt8]] {
        var all: [[UInt8]] = []
        for model in [Model.candidate, .job, .application] {
            all += try await store.page(RecordQuery(integrationID: self.id, model: model)).records
        }
        return all
    }

    /// Renames a job: its applications' and candidates' views go stale.
    private func renameJob(_ store: SQLiteStore, at now: Int64) async throws {
        var jobs = self.fixture.jobs
        jobs[0].name = "Renamed \(now)"
        _ = try await store.upsert(.jobs(jobs), integrationID: self.id, at: now)
    }

    /// Refreshes every kept view, then checks the served records against views assembled from
    /// scratch.
    private func expectServedAsAssembled(_ store: SQLiteStore, _ comment: Comment) async throws {
        while try await store.refreshStaleViews(limit: 3) > 0 {}
        let kept = try await self.served(store)
        try await store.invalidateAllViews()
        #expect(kept == (try await self.served(store)), comment)
    }

    @Test func aPendingIntegrationKeepsNoViewsAndReadsRightOnceSetUp() async throws {
        let store = try await self.makeStore()
        try await self.save(store, .syncPending)
        try await self.fixture.load(into: store)
        #expect(try await store.refreshStaleViews(limit: 100) == 0, "no views kept before the first sync ends")
        #expect(try await store.refreshStaleViews(limit: 100, of: [self.id]) == 0)
        try await self.renameJob(store, at: 2_000)
        try await self.setSetup(store, .completed)
        // 2 jobs, 3 candidates, 2 applications.
        #expect(try await store.refreshStaleViews(limit: 100) == 7)
        try await self.expectServedAsAssembled(store, "after the setup completed")
    }

    @Test func anIntegrationNotSetUpAgainForgetsItsKeptViews() async throws {
        let store = try await self.makeStore()
        try await self.save(store, .completed)
        try await self.fixture.load(into: store)
        #expect(try await store.refreshStaleViews(limit: 100) == 7)
        // Not set up again, then a change its writes do not clear views for.
        try await self.setSetup(store, .syncPending)
        try await self.renameJob(store, at: 2_000)
        try await self.setSetup(store, .completed)
        try await self.expectServedAsAssembled(store, "after updateIntegration made it pending")
        // The same through saveIntegration.
        try await self.save(store, .syncPending)
        try await self.renameJob(store, at: 3_000)
        try await self.save(store, .completed)
        try await self.expectServedAsAssembled(store, "after saveIntegration made it pending")
    }

    @Test func viewsAnEarlierBuildKeptForAPendingIntegrationAreForgottenAtStart() async throws {
        let path = temporaryDatabasePath()
        let store = try await self.makeStore(path)
        try await self.save(store, .completed)
        try await self.fixture.load(into: store)
        #expect(try await store.refreshStaleViews(limit: 100) == 7)
        // As an earlier build may leave it (also after a rollback and back): the integration
        // pending with its views kept.
        let pending = try Integration(
            id: self.id,
            tenantURL: "https://x.example",
            login: "api",
            setupStatus: .syncPending
        ).encode()
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE integrations SET data = ? WHERE id = ?", arguments: [Data(pending), self.id])
        }
        await store.close()

        let reopened = try await self.makeStore(path)
        try await self.renameJob(reopened, at: 2_000)
        try await self.setSetup(reopened, .completed)
        #expect(try await reopened.refreshStaleViews(limit: 100) == 7, "every view was forgotten at the start")
        try await self.expectServedAsAssembled(reopened, "after the restart")
        await reopened.close()
    }

    @Test func anIntegrationSavedAsPendingOverRecordsWithKeptViewsForgetsThem() async throws {
        let store = try await self.makeStore()
        // Records first, with their views kept, and no integration row yet.
        try await self.fixture.load(into: store)
        #expect(try await store.refreshStaleViews(limit: 100) == 7)
        try await self.save(store, .syncPending)
        try await self.renameJob(store, at: 2_000)
        try await self.save(store, .completed)
        try await self.expectServedAsAssembled(store, "after the integration was created pending")
    }

    @Test func aRefreshOfEveryIntegrationStillKeepsTheViewsOfThoseSetUp() async throws {
        let store = try await self.makeStore()
        try await self.save(store, .syncPending)
        try await self.fixture.load(into: store)
        // Another integration, set up, with the fixture's 3 candidates.
        let other = Integration(id: "int-set-up", tenantURL: "https://y.example", login: "api", setupStatus: .completed)
        try await store.saveIntegration(StoredIntegration(integration: other, encryptedCredentials: [1]))
        _ = try await store.upsert(.candidates(self.fixture.candidates), integrationID: "int-set-up", at: 1_000)
        #expect(
            try await store.refreshStaleViews(limit: 100) == 3,
            "the set-up integration's views, not the pending one's"
        )
        #expect(try await store.refreshStaleViews(limit: 100, of: [self.id, "int-set-up"]) == 0)
    }
}

import ATSBridgeCore
import ATSBridgeProto
import Testing

/// Refreshing the kept views of chosen integrations only (the server keeps views only of
/// integrations whose first sync has completed), on both backends.
@Suite struct ViewRefreshContractTests {
    let fixture = StoreFixture()
    let other = "int-other"

    /// The fixture's jobs with the first renamed.
    func renamed(_ name: String) -> [Job] {
        var jobs = self.fixture.jobs
        jobs[0].name = name
        return jobs
    }

    @Test(arguments: StoreKind.allCases)
    func onlyTheNamedIntegrationsViewsAreRefreshed(kind: StoreKind) async throws {
        let store = try await kind.make()
        let cache = try #require(store as? any NestedViewCache)
        // The fixture's 2 jobs, 3 candidates and 2 applications have nested views; so have the
        // 3 candidates of another integration.
        try await self.fixture.load(into: store)
        _ = try await store.upsert(.candidates(self.fixture.candidates), integrationID: self.other, at: 1_000)
        var query = RecordQuery(integrationID: self.fixture.integrationID, model: .application)
        query.includeDeleted = true
        let assembled = try await store.page(query).records

        #expect(try await cache.refreshStaleViews(limit: 100, of: []) == 0)
        #expect(try await cache.refreshStaleViews(limit: 100, of: ["int-missing"]) == 0)
        let ids = ["int-missing", self.fixture.integrationID, self.fixture.integrationID]
        #expect(try await cache.refreshStaleViews(limit: 5, of: ids) == 5)
        #expect(try await cache.refreshStaleViews(limit: 100, of: ids) == 2)
        #expect(try await cache.refreshStaleViews(limit: 100, of: [self.fixture.integrationID]) == 0)
        #expect(try await store.page(query).records == assembled, "kept views read as assembled ones")
        // A job renamed twice makes the same records stale each time; named twice, 500 names
        // apart (two statements' worth of names), they are refreshed once.
        _ = try await store.upsert(.jobs(self.renamed("A")), integrationID: self.fixture.integrationID, at: 2_000)
        let once = try await cache.refreshStaleViews(limit: 100, of: [self.fixture.integrationID])
        #expect(once > 0)
        _ = try await store.upsert(.jobs(self.renamed("B")), integrationID: self.fixture.integrationID, at: 3_000)
        let apart = [self.fixture.integrationID] + (0..<499).map { "int-none-\($0)" } + [self.fixture.integrationID]
        #expect(try await cache.refreshStaleViews(limit: 100, of: apart) == once)
        // The other integration's views were left stale until now.
        #expect(try await cache.refreshStaleViews(limit: 100) == 3)
        await #expect(throws: ATSBridgeError.self) {
            try await cache.refreshStaleViews(limit: 0, of: [self.fixture.integrationID])
        }
    }
}

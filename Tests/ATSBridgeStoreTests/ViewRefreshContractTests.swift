import ATSBridgeCore
import ATSBridgeProto
import Testing

/// Refreshing the kept views of chosen integrations only (the server keeps views only of
/// integrations whose first sync has completed), on both backends.
@Suite struct ViewRefreshContractTests {
    let fixture = StoreFixture()
    let other = "int-other"

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
        // The other integration's views were left stale until now.
        #expect(try await cache.refreshStaleViews(limit: 100) == 3)
        await #expect(throws: ATSBridgeError.self) {
            try await cache.refreshStaleViews(limit: 0, of: [self.fixture.integrationID])
        }
    }
}

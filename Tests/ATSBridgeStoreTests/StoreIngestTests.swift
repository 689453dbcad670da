import ATSBridgeCore
import ATSBridgeProto
import Testing

/// What the batched ingest path must keep: the email index follows changed addresses, a batch
/// that names one record twice keeps the last, large batches (many multi-row statements) land
/// whole.
@Suite struct StoreIngestTests {
    let fixture = StoreFixture()
    var integration: String { self.fixture.integrationID }

    private func ids(_ store: any Store, email: String) async throws -> [String] {
        let query = RecordQuery(
            integrationID: self.integration,
            model: .candidate,
            includeDeleted: true,
            filter: .candidates(email: email, jobIDs: [], firstName: nil, lastName: nil)
        )
        return try await store.all(Candidate.self, query).map { $0.remoteID ?? "" }
    }

    @Test(arguments: StoreKind.allCases)
    func aChangedAddressIsFoundByItsNewValueOnly(kind: StoreKind) async throws {
        let store = try await kind.make()
        var candidates = self.fixture.candidates
        _ = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 1_000)
        #expect(try await self.ids(store, email: "j@work.cz") == ["c1"])
        candidates[0].emailAddresses = [EmailAddress(emailAddress: "Jan@New.sk")]
        let result = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 2_000)
        #expect(result.changed == [candidates[0].id])
        #expect(try await self.ids(store, email: "j@work.cz").isEmpty)
        #expect(try await self.ids(store, email: "jan.stastny@example.sk") == ["c3"])
        #expect(try await self.ids(store, email: "JAN@new.SK") == ["c1"])
    }

    @Test(arguments: StoreKind.allCases)
    func aThousandNewRecordsLandWholeInOneTransaction(kind: StoreKind) async throws {
        let store = try await kind.make()
        let candidates = (0..<1_000).map { index in
            Candidate(
                id: self.fixture.id(.candidate, "bulk-\(index)"),
                remoteID: "bulk-\(index)",
                firstName: "Ján",
                emailAddresses: [EmailAddress(emailAddress: "bulk\(index)@example.sk")]
            )
        }
        let result = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 1_000)
        #expect(result.created.count == 1_000)
        #expect(Set(result.created) == Set(candidates.map(\.id)))
        let stored = try await store.all(
            Candidate.self,
            RecordQuery(integrationID: self.integration, model: .candidate)
        )
        #expect(stored.count == 1_000)
        #expect(try await self.ids(store, email: "BULK999@example.sk") == ["bulk-999"])
        let log = try await store.changes(integrationID: self.integration, after: 0, limit: 2_000)
        #expect(log.count == 1_000)
        #expect(log.map(\.sequence) == log.map(\.sequence).sorted())
        let again = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 2_000)
        #expect(again.unchanged == 1_000)
    }

    @Test(arguments: StoreKind.allCases)
    func aBatchNamingARecordTwiceKeepsTheLast(kind: StoreKind) async throws {
        let store = try await kind.make()
        let id = self.fixture.id(.candidate, "twice")
        let first = Candidate(
            id: id,
            remoteID: "twice",
            firstName: "Ján",
            emailAddresses: [EmailAddress(emailAddress: "first@example.sk")]
        )
        var last = first
        last.emailAddresses = [EmailAddress(emailAddress: "last@example.sk")]
        let result = try await store.upsert(.candidates([first, last]), integrationID: self.integration, at: 1_000)
        #expect(result.created == [id])
        #expect(try await self.ids(store, email: "first@example.sk").isEmpty)
        #expect(try await self.ids(store, email: "last@example.sk") == ["twice"])
        // A later change leaves no address of either copy behind.
        last.emailAddresses = [EmailAddress(emailAddress: "new@example.sk")]
        _ = try await store.upsert(.candidates([last]), integrationID: self.integration, at: 2_000)
        #expect(try await self.ids(store, email: "first@example.sk").isEmpty)
        #expect(try await self.ids(store, email: "last@example.sk").isEmpty)
        #expect(try await self.ids(store, email: "new@example.sk") == ["twice"])
        #expect(try await store.changes(integrationID: self.integration, after: 0, limit: 10).count == 2)
    }
}

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

    @Test(arguments: StoreKind.allCases)
    func twoBatchesOfOneModelInOneCallApplyInOrder(kind: StoreKind) async throws {
        let store = try await kind.make()
        let first = Candidate(id: self.fixture.id(.candidate, "x"), remoteID: "x", firstName: "First")
        var second = first
        second.firstName = "Second"
        let other = Candidate(id: self.fixture.id(.candidate, "y"), remoteID: "y", firstName: "Other")
        let result = try await store.upsert(
            batches: [.candidates([first]), .users([]), .candidates([second, other])],
            integrationID: self.integration,
            at: 1_000
        )
        #expect(Set(result.created) == [first.id, other.id])
        #expect(result.changed == [first.id])
        let stored = try await store.all(
            Candidate.self,
            RecordQuery(integrationID: self.integration, model: .candidate)
        )
        #expect(Set(stored.map { $0.firstName ?? "" }) == ["Second", "Other"])
    }

    @Test(arguments: StoreKind.allCases)
    func idsWhoseTextOrderIsNotTheirByteOrderAreFoundAgain(kind: StoreKind) async throws {
        let store = try await kind.make()
        // "e" + a combining accent sorts as "é" (after "f") for Swift, before "f" in bytes.
        let ids = ["f-1", "e\u{301}x", "a-1", "\u{1F600}-1", "z"]
        var candidates = ids.map { Candidate(id: $0, remoteID: $0, firstName: "Name") }
        let created = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 1_000)
        #expect(created.created.count == ids.count)
        let again = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 2_000)
        #expect(again.unchanged == ids.count)
        #expect(again.created.isEmpty && again.changed.isEmpty)
        candidates[1].firstName = "Changed"
        let changed = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 3_000)
        #expect(changed.changed.map { Array($0.utf8) } == [Array(ids[1].utf8)])
        #expect(changed.unchanged == ids.count - 1)
    }

    @Test(arguments: StoreKind.allCases)
    func canonicallyEquivalentIDsAreTwoRecords(kind: StoreKind) async throws {
        let store = try await kind.make()
        // Equal for Swift's `==`, different bytes: the store's key tells them apart.
        let ids = ["\u{E9}x", "e\u{301}x", "\u{E9}y"]
        var candidates = ids.map { Candidate(id: $0, remoteID: $0, firstName: "Name") }
        let created = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 1_000)
        #expect(created.created.count == 3)
        #expect(
            try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 2_000).unchanged == 3
        )
        candidates[1].firstName = "Changed"
        let changed = try await store.upsert(.candidates(candidates), integrationID: self.integration, at: 3_000)
        #expect(changed.changed.map { Array($0.utf8) } == [Array(ids[1].utf8)])
        #expect(changed.unchanged == 2)
        let stored = try await store.all(
            Candidate.self,
            RecordQuery(integrationID: self.integration, model: .candidate, pageSize: 10)
        )
        #expect(stored.count == 3)
        #expect(stored.first { $0.id.utf8.elementsEqual(ids[1].utf8) }?.firstName == "Changed")
        #expect(stored.first { $0.id.utf8.elementsEqual(ids[0].utf8) }?.firstName == "Name")
    }

    @Test(arguments: StoreKind.allCases)
    func aBatchThatCannotBeEncodedWritesNothingOfItsCall(kind: StoreKind) async throws {
        let store = try await kind.make()
        let valid = (0..<300).map { Candidate(id: self.fixture.id(.candidate, "v\($0)"), remoteID: "v\($0)") }
        await #expect {
            _ = try await store.upsert(
                batches: [.candidates(valid), .tags([Tag(id: "", name: "no id")])],
                integrationID: self.integration,
                at: 1_000
            )
        } throws: { error in
            (error as? ATSBridgeError)?.code == .inputInvalid
        }
        let stored = try await store.all(
            Candidate.self,
            RecordQuery(integrationID: self.integration, model: .candidate)
        )
        #expect(stored.isEmpty)
        #expect(try await store.changes(integrationID: self.integration, after: 0, limit: 10).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentUpsertsAllLand(kind: StoreKind) async throws {
        let store = try await kind.make()
        let batches = (0..<6).map { part in
            (0..<300).map { index in
                Candidate(
                    id: self.fixture.id(.candidate, "p\(part)-\(index)"),
                    remoteID: "p\(part)-\(index)",
                    emailAddresses: [EmailAddress(emailAddress: "p\(part)-\(index)@example.sk")]
                )
            }
        }
        // Each batch twice at once: one creates, the other finds them all unchanged (whichever
        // commits second), whether its rows were encoded before or during its transaction.
        let results = try await withThrowingTaskGroup(of: UpsertResult.self) { group in
            for batch in batches + batches {
                group.addTask { try await store.upsert(.candidates(batch), integrationID: self.integration, at: 1_000) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.reduce(0) { $0 + $1.created.count } == 1_800)
        #expect(results.reduce(0) { $0 + $1.unchanged } == 1_800)
        #expect(results.allSatisfy { $0.changed.isEmpty })
        let stored = try await store.all(
            Candidate.self,
            RecordQuery(integrationID: self.integration, model: .candidate)
        )
        #expect(stored.count == 1_800)
        #expect(try await self.ids(store, email: "P5-299@example.sk") == ["p5-299"])
    }

    @Test(arguments: StoreKind.allCases)
    func cancelledUpsertsEndAndLeaveTheStoreUsable(kind: StoreKind) async throws {
        let store = try await kind.make()
        let batches = (0..<4).map { part in
            (0..<600).map { index in
                Candidate(id: self.fixture.id(.candidate, "k\(part)-\(index)"), remoteID: "k\(part)-\(index)")
            }
        }
        // Cancelled while encoding, waiting for the writer, or writing: each call ends, by
        // finishing or by throwing, and none leaves the writer waiting for rows.
        let writes = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for batch in batches {
                    group.addTask {
                        _ = try await store.upsert(.candidates(batch), integrationID: self.integration, at: 1_000)
                    }
                }
                try await group.waitForAll()
            }
        }
        writes.cancel()
        _ = await writes.result
        let after = try await store.upsert(.candidates(batches[0]), integrationID: self.integration, at: 2_000)
        #expect(after.created.count + after.unchanged == 600)
        let stored = try await store.all(
            Candidate.self,
            RecordQuery(integrationID: self.integration, model: .candidate)
        )
        #expect(stored.count >= 600 && stored.count % 600 == 0, "whole batches only")
    }
}

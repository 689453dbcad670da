import ATSBridgeCore
import ATSBridgeProto
import Testing

/// The contract of ``SourceHashStore``: fingerprints are remembered with their records and
/// trusted only while those records are as the upsert left them.
@Suite struct SourceHashContractTests {
    let fixture = StoreFixture()
    var integration: String { self.fixture.integrationID }

    /// The fingerprint of candidate `c1` (with records of two other models derived from the same
    /// source) or of another fixture candidate.
    func source(_ remoteID: String, hash: UInt8 = 1) -> SourceHash {
        SourceHash(
            model: .candidate,
            remoteID: remoteID,
            hash: [UInt8](repeating: hash, count: 16),
            recordID: self.fixture.id(.candidate, remoteID),
            related: remoteID == "c1"
                ? [
                    .candidateTag: [self.fixture.id(.candidateTag, "c1-t1"), self.fixture.id(.candidateTag, "c1-t2")],
                    .application: [self.fixture.id(.application, "a1")],
                    // Models of a later build: any number is read back as written.
                    .unrecognized(-7): ["x"], .unrecognized(2_000_000_000): ["y", "z"],
                ] : [:]
        )
    }

    /// The fixture's candidates and tags written with the fingerprints of c1 and c2.
    func load(_ store: any Store, at now: Int64 = 1_000) async throws {
        _ = try await store.upsert(
            batches: [.tags(self.fixture.tags), .candidates(self.fixture.candidates)],
            sources: [self.source("c1"), self.source("c2")],
            integrationID: self.integration,
            at: now
        )
        _ = try await store.upsert(.candidateTags(self.fixture.candidateTags), integrationID: self.integration, at: now)
    }

    func remembered(_ store: any Store, _ remoteIDs: [String] = ["c1", "c2", "c3", "nope"]) async throws
        -> [String: SourceHash]
    {
        try await store.sourceHashes(integrationID: self.integration, model: .candidate, remoteIDs: remoteIDs)
    }

    @Test(arguments: StoreKind.allCases)
    func fingerprintsAreRememberedWithTheirRecordsAndRelatedIDs(kind: StoreKind) async throws {
        let store = try await kind.make()
        #expect(try await self.remembered(store).isEmpty)
        try await self.load(store)
        let found = try await self.remembered(store)
        #expect(found == ["c1": self.source("c1"), "c2": self.source("c2")])
        // Scoped by model and integration.
        #expect(try await store.sourceHashes(integrationID: self.integration, model: .job, remoteIDs: ["c1"]).isEmpty)
        #expect(try await store.sourceHashes(integrationID: "other", model: .candidate, remoteIDs: ["c1"]).isEmpty)
    }

    /// What a sync does: encode the next transaction's batches while the store writes the
    /// previous one, then hand them over. The result is as if the batches were given.
    @Test(arguments: StoreKind.allCases)
    func encodedBatchesAreWrittenInOrderWithTheirFingerprints(kind: StoreKind) async throws {
        let store = try await kind.make()
        var later = self.fixture.candidates
        later[0].title = "Later"
        let encoded = try await EncodedBatch.encode([
            .tags(self.fixture.tags), .candidates(self.fixture.candidates), .candidates([]), .candidates(later),
        ])
        #expect(encoded.map(\.model) == [.tag, .candidate, .candidate])
        let result = try await store.upsert(
            encoded: encoded,
            sources: [self.source("c1"), self.source("c2")],
            integrationID: self.integration,
            at: 1_000
        )
        #expect(result.created.count == self.fixture.tags.count + self.fixture.candidates.count)
        #expect(result.changed == [later[0].id])
        #expect(try await self.remembered(store) == ["c1": self.source("c1"), "c2": self.source("c2")])
        let stored = try await store.all(
            Candidate.self,
            RecordQuery(integrationID: self.integration, model: .candidate, pageSize: 100)
        )
        #expect(stored.first { $0.id == later[0].id }?.title == "Later")

        let again = try await store.upsert(
            encoded: try await EncodedBatch.encode([.candidates(later)]),
            sources: [],
            integrationID: self.integration,
            at: 2_000
        )
        #expect(again.unchanged == later.count)
        #expect(
            try await store.upsert(encoded: [], sources: [], integrationID: self.integration, at: 3_000)
                == UpsertResult()
        )
    }

    /// A sync's fingerprints follow their records as the transaction leaves them: one written
    /// in it with its hash, one stored before (not among the rows) as stored, one marked
    /// deleted not at all; of a source given twice, the last.
    @Test(arguments: StoreKind.allCases)
    func encodedFingerprintsFollowTheirRecordsAsStored(kind: StoreKind) async throws {
        let store = try await kind.make()
        _ = try await store.upsert(.candidates([self.fixture.candidates[1]]), integrationID: self.integration, at: 500)
        var gone = Candidate(id: self.fixture.id(.candidate, "gone"), remoteID: "gone")
        gone.remoteDeletedAt = 400
        // More rows than one multi-row statement holds.
        let many = (0..<300).map { Candidate(id: self.fixture.id(.candidate, "m\($0)"), remoteID: "m\($0)") }
        // c1 first names a record not among the rows (checked against the store), then c1's.
        let earlier = SourceHash(
            model: .candidate,
            remoteID: "c1",
            hash: [UInt8](repeating: 9, count: 16),
            recordID: self.fixture.id(.candidate, "c2")
        )
        let sources =
            [earlier, self.source("c1", hash: 4), self.source("c1", hash: 5), self.source("c2"), self.source("gone")]
            + many.map { self.source($0.remoteID ?? "", hash: 6) }
        _ = try await store.upsert(
            encoded: try await EncodedBatch.encode([.candidates([self.fixture.candidates[0], gone] + many)]),
            sources: sources,
            integrationID: self.integration,
            at: 1_000
        )
        let found = try await self.remembered(store, ["c1", "c2", "gone"] + many.map { $0.remoteID ?? "" })
        #expect(found["c1"] == self.source("c1", hash: 5))
        #expect(found["c2"] == self.source("c2"))
        #expect(found["gone"] == nil)
        #expect(found.count == 2 + many.count)
        #expect(found["m299"]?.hash == [UInt8](repeating: 6, count: 16))
    }

    @Test(arguments: StoreKind.allCases)
    func aNewFingerprintReplacesTheOld(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await self.load(store)
        var candidates = self.fixture.candidates
        candidates[0].title = "Engineer"
        let result = try await store.upsert(
            batches: [.candidates(candidates)],
            sources: [self.source("c1", hash: 2)],
            integrationID: self.integration,
            at: 2_000
        )
        #expect(result.changed == [candidates[0].id])
        #expect(try await self.remembered(store)["c1"]?.hash == [UInt8](repeating: 2, count: 16))
    }

    @Test(arguments: StoreKind.allCases)
    func aSourceWhoseRecordWasNotWrittenIsNotRemembered(kind: StoreKind) async throws {
        let store = try await kind.make()
        _ = try await store.upsert(
            batches: [.candidates([self.fixture.candidates[1]])],
            sources: [self.source("c1"), self.source("c2")],
            integrationID: self.integration,
            at: 1_000
        )
        #expect(Set(try await self.remembered(store).keys) == ["c2"])
    }

    /// Stores find a fingerprint's record through the source's remote id: a record that carries
    /// another one (a mapping that renamed it) does not vouch for the source.
    @Test(arguments: StoreKind.allCases)
    func aRecordUnderAnotherRemoteIDDoesNotVouchForTheSource(kind: StoreKind) async throws {
        let store = try await kind.make()
        var renamed = self.source("c2")
        renamed.remoteID = "c2-old"
        _ = try await store.upsert(
            batches: [.candidates(self.fixture.candidates)],
            sources: [self.source("c1"), renamed],
            integrationID: self.integration,
            at: 1_000
        )
        #expect(Set(try await self.remembered(store, ["c1", "c2", "c2-old"]).keys) == ["c1"])
    }

    @Test(arguments: StoreKind.allCases)
    func aRecordChangedByAnotherWriteIsNoLongerTrusted(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await self.load(store)
        var candidates = self.fixture.candidates
        candidates[0].company = "Acme"
        // A write command (no fingerprints) changes c1's own fields.
        _ = try await store.upsert(.candidates([candidates[0]]), integrationID: self.integration, at: 2_000)
        #expect(Set(try await self.remembered(store).keys) == ["c2"])
    }

    @Test(arguments: StoreKind.allCases)
    func aTombstonedRecordIsNoLongerTrustedEvenWhenItComesBackUnchanged(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await self.load(store)
        let c2 = self.fixture.id(.candidate, "c2")
        _ = try await store.markMissing(integrationID: self.integration, model: .candidate, seenIDs: [c2], at: 2_000)
        #expect(Set(try await self.remembered(store).keys) == ["c2"])
        // Restored with the very fields it had: trusted again (the record is what the
        // fingerprint was remembered with).
        _ = try await store.upsert(
            .candidates([self.fixture.candidates[0]]),
            integrationID: self.integration,
            at: 3_000
        )
        #expect(try await self.remembered(store)["c1"] == self.source("c1"))
        // Restored by a sync: the new fingerprint.
        _ = try await store.markMissing(integrationID: self.integration, model: .candidate, seenIDs: [c2], at: 3_500)
        _ = try await store.upsert(
            batches: [.candidates([self.fixture.candidates[0]])],
            sources: [self.source("c1", hash: 3)],
            integrationID: self.integration,
            at: 4_000
        )
        #expect(try await self.remembered(store)["c1"]?.hash == [UInt8](repeating: 3, count: 16))
    }

    @Test(arguments: StoreKind.allCases)
    func deletingTheIntegrationForgetsItsFingerprints(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await store.saveIntegration(
            StoredIntegration(integration: Integration(id: self.integration, login: "l"), encryptedCredentials: [1])
        )
        try await self.load(store)
        #expect(try await self.remembered(store).count == 2)
        _ = try await store.deleteIntegration(id: self.integration)
        // The same records written again without fingerprints: none of the old ones comes back.
        try await store.saveIntegration(
            StoredIntegration(integration: Integration(id: self.integration, login: "l"), encryptedCredentials: [1])
        )
        try await self.fixture.load(into: store)
        #expect(try await self.remembered(store).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func aLargeLookupIsAnsweredWhole(kind: StoreKind) async throws {
        let store = try await kind.make()
        let candidates = (0..<1_200).map { Candidate(id: self.fixture.id(.candidate, "x\($0)"), remoteID: "x\($0)") }
        let sources = candidates.map {
            SourceHash(model: .candidate, remoteID: $0.remoteID ?? "", hash: [7], recordID: $0.id)
        }
        _ = try await store.upsert(
            batches: [.candidates(candidates)],
            sources: sources,
            integrationID: self.integration,
            at: 1_000
        )
        let found = try await self.remembered(store, candidates.map { $0.remoteID ?? "" } + ["nope"])
        #expect(found.count == 1_200)
        #expect(found["x1199"]?.recordID == candidates[1_199].id)
    }
}

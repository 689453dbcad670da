import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import ATSBridgeSync
import ATSBridgeTestSupport
import Logging
import Synchronization
import Testing

/// The sync engine against Core's remote-ATS port alone (a fake remote, the real SQLite
/// store): the tombstone safety rules and delta listing, with no vendor and no socket.
@Suite struct SyncPortTests {
    private let integrationID = "int-fake"

    private func candidates(_ remoteIDs: [String]) -> RemotePage {
        RemotePage(
            batches: [
                .candidates(
                    remoteIDs.map {
                        Candidate(
                            id: RecordID.make(integrationID: self.integrationID, model: .candidate, remoteID: $0),
                            remoteID: $0,
                            firstName: "C\($0)"
                        )
                    }
                )
            ]
        )
    }

    private func withEngine(_ remote: FakeRemoteATS, _ body: (SyncEngine, SQLiteStore) async throws -> Void)
        async throws
    {
        var logger = Logger(label: "test.sync.port")
        logger.logLevel = .warning
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: SyncHarness.temporaryPath()))
        let vault = try CredentialVault(encodedKey: CredentialVault.generateKey())
        try await store.saveIntegration(
            StoredIntegration(
                integration: Integration(
                    id: self.integrationID,
                    tenantURL: "https://fake.invalid",
                    login: "api",
                    status: .active,
                    setupStatus: .syncPending
                ),
                encryptedCredentials: try vault.seal(password: "p", integrationID: self.integrationID)
            )
        )
        let engine = SyncEngine(store: store, vault: vault, remote: remote, clock: ManualSyncClock(), logger: logger)
        try await withRunningService(engine, logger: logger) { engine, _ in try await body(engine, store) }
    }

    private func sync(_ engine: SyncEngine, _ type: SyncType) async throws -> SyncRun {
        try await engine.waitUntilFinished(try await engine.trigger(integrationID: self.integrationID, type: type))
    }

    @Test func onlyAStableCleanListingTombstonesWhatItMissed() async throws {
        let remote = FakeRemoteATS()
        remote.set(.candidate, .init(pages: [self.candidates(["1", "2"]), self.candidates(["3"])]))
        try await self.withEngine(remote) { engine, store in
            let first = try await self.sync(engine, .full)
            #expect(first.state == .succeeded)
            #expect(first.created == 3)

            // The listing shifted while it ran: "3" is missing but must not be tombstoned.
            remote.set(.candidate, .init(pages: [self.candidates(["1", "2"])], stable: false))
            let unstable = try await self.sync(engine, .full)
            #expect(unstable.state == .succeeded && unstable.deleted == 0)

            // A record the remote could not map makes the listing incomplete too.
            var skipped = self.candidates(["1", "2"])
            skipped.skipped = 1
            remote.set(.candidate, .init(pages: [skipped]))
            #expect(try await self.sync(engine, .full).deleted == 0)

            // A delta never tombstones.
            remote.set(.candidate, .init(pages: [self.candidates(["1", "2"])]))
            #expect(try await self.sync(engine, .delta).deleted == 0)

            // A stable, complete full listing does.
            let stable = try await self.sync(engine, .full)
            #expect(stable.deleted == 1)
            let gone = RecordID.make(integrationID: self.integrationID, model: .candidate, remoteID: "3")
            let record = try #require(try await store.record(.candidate, id: gone, integrationID: self.integrationID))
            #expect(try Candidate(decoding: record).remoteDeletedAt != nil)
        }
    }

    @Test func aDeltaAsksForChangesOnlyWhereTheRemoteFiltersByThem() async throws {
        let remote = FakeRemoteATS()
        try await self.withEngine(remote) { engine, _ in
            let full = try await self.sync(engine, .full)
            #expect(full.state == .succeeded)
            #expect(remote.askedSince.withLock { $0.values.allSatisfy { $0 == nil } })
            let delta = try await self.sync(engine, .delta)
            #expect(delta.state == .succeeded)
            let asked = remote.askedSince.withLock { $0 }
            #expect(asked[.job] != nil && asked[.job]! != nil)
            #expect(asked.filter { $0.key != .job }.values.allSatisfy { $0 == nil })
            #expect(Set(asked.keys) == [.user, .applicationStage, .tag, .job, .application, .candidate])
        }
    }
}

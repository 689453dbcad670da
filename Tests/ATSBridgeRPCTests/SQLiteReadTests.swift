import ATSBridgeAPI
import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeStoreSQLite
import ATSBridgeTestSupport
import Foundation
import Testing

/// The read API over the real SQLite store, over real sockets.
@Suite struct SQLiteReadTests {
    /// A fresh store with `count` flat candidates of integration `int-1`, remote ids `js-N`.
    static func store(candidates count: Int, email: (Int) -> String) async throws -> (SQLiteStore, [Candidate]) {
        let path = TemporaryFiles.unique("rpc").appendingPathComponent("store.sqlite").path
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        let candidates = (0..<count).map { index in
            var candidate = SampleRecords.candidate(index: index)
            candidate.id = RecordID.make(integrationID: "int-1", model: .candidate, remoteID: "js-\(index)")
            candidate.remoteID = "js-\(index)"
            candidate.applications = []
            candidate.tags = []
            candidate.emailAddresses = [EmailAddress(emailAddress: email(index))]
            return candidate
        }
        _ = try await store.upsert(.candidates(candidates), integrationID: "int-1", at: 1_000)
        return (store, candidates)
    }

    @Test func listAndFilterCandidatesFromSQLite() async throws {
        let (store, candidates) = try await Self.store(candidates: 120, email: { "person\($0)@Example.sk" })
        try await withTestServer(router: TestMethods.router(probe: Probe(), store: store)) { port in
            let client = testClient(port: port)
            var received: [Candidate] = []
            var cursors = 0
            for try await page in client.serverStreaming(
                AtsReadService.listCandidates,
                ListCandidatesRequest(page: PageRequest(pageSize: 50))
            ) {
                received += page.items
                if page.nextCursor != nil { cursors += 1 }
            }
            #expect(received.count == 120)
            #expect(cursors == 2)
            #expect(Set(received.map(\.id)) == Set(candidates.map(\.id)))
            #expect(received.allSatisfy { $0.changedAt == 1_000 })

            let byEmail = try await client.unary(
                AtsReadService.getCandidatePage,
                ListCandidatesRequest(email: "PERSON7@example.SK")
            )
            #expect(byEmail.items.map(\.remoteID) == ["js-7"])

            await #expect {
                _ = try await client.unary(
                    AtsReadService.getCandidatePage,
                    ListCandidatesRequest(page: PageRequest(cursor: "forged"))
                )
            } throws: { ($0 as? ATSBridgeError)?.code.status == .invalidArgument }
            await client.close()
        }
    }

    @Test func storageOrderListsEveryRecordOnceAndKeepsItsCursorsApart() async throws {
        let (store, candidates) = try await Self.store(candidates: 130, email: { "candidate\($0)@example.com" })
        try await withTestServer(router: TestMethods.router(probe: Probe(), store: store)) { port in
            let client = testClient(port: port)
            let storage = PageRequest(pageSize: 40, order: .storage)
            var streamed: [String] = []
            for try await page in client.serverStreaming(
                AtsReadService.listCandidates,
                ListCandidatesRequest(page: storage)
            ) {
                streamed += page.items.map(\.id)
            }
            #expect(streamed.count == 130)
            #expect(Set(streamed) == Set(candidates.map(\.id)))

            // Unary pages in storage order resume each other and give the stream's records.
            var paged: [String] = []
            var request = ListCandidatesRequest(page: storage)
            var storageCursor: String?
            repeat {
                let page = try await client.unary(AtsReadService.getCandidatePage, request)
                paged += page.items.map(\.id)
                storageCursor = storageCursor ?? page.nextCursor
                request.page?.cursor = page.nextCursor
            } while request.page?.cursor != nil
            #expect(paged == streamed)

            // A cursor resumes only the order that made it.
            let cursor = try #require(storageCursor)
            await #expect {
                _ = try await client.unary(
                    AtsReadService.getCandidatePage,
                    ListCandidatesRequest(page: PageRequest(pageSize: 40, cursor: cursor))
                )
            } throws: { ($0 as? ATSBridgeError)?.code.status == .invalidArgument }

            // With a filter, storage order is id order and still filters.
            let filtered = try await client.unary(
                AtsReadService.getCandidatePage,
                ListCandidatesRequest(page: PageRequest(order: .storage), email: "CANDIDATE7@example.com")
            )
            #expect(filtered.items.map(\.remoteID) == ["js-7"])

            await #expect {
                _ = try await client.unary(
                    AtsReadService.getCandidatePage,
                    ListCandidatesRequest(page: PageRequest(order: .unrecognized(9)))
                )
            } throws: { error in
                let error = error as? ATSBridgeError
                return error?.code.status == .invalidArgument && error?.message.contains("order") == true
            }
            await client.close()
        }
    }

    /// Every list request carries its model's filter case, with no field set when the caller
    /// filters nothing: that is still an unfiltered list, read in row order.
    @Test func storageOrderWalksRowsForModelsWithTheirOwnFilters() async throws {
        let path = TemporaryFiles.unique("rpc").appendingPathComponent("store.sqlite").path
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        // Written one by one against their id order, so row order is descending id order.
        let written = (0..<25).map { index in
            var candidate = SampleRecords.candidate(index: index)
            candidate.remoteID = "row-\(index)"
            candidate.id = RecordID.make(integrationID: "int-1", model: .candidate, remoteID: "row-\(index)")
            candidate.applications = []
            candidate.tags = []
            return candidate
        }.sorted { $0.id > $1.id }
        for candidate in written {
            _ = try await store.upsert(.candidates([candidate]), integrationID: "int-1", at: 1_000)
        }
        try await withTestServer(router: TestMethods.router(probe: Probe(), store: store)) { port in
            let client = testClient(port: port)
            var streamed: [String] = []
            for try await page in client.serverStreaming(
                AtsReadService.listCandidates,
                ListCandidatesRequest(page: PageRequest(pageSize: 7, order: .storage))
            ) {
                streamed += page.items.map(\.id)
            }
            #expect(streamed == written.map(\.id))
            var byID: [String] = []
            for try await page in client.serverStreaming(
                AtsReadService.listCandidates,
                ListCandidatesRequest(page: PageRequest(pageSize: 7))
            ) {
                byID += page.items.map(\.id)
            }
            #expect(byID == written.map(\.id).sorted())
            await client.close()
        }
    }

    @Test func readsWaitForTheFirstSyncOfAnIntegration() async throws {
        let path = TemporaryFiles.unique("rpc").appendingPathComponent("store.sqlite").path
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        let integration = Integration(id: "int-1", status: .active, setupStatus: .syncPending)
        try await store.saveIntegration(StoredIntegration(integration: integration, encryptedCredentials: []))
        let router = TestMethods.router(probe: Probe(), store: store, gate: IntegrationReadGate(store: store))
        try await withTestServer(router: router) { port in
            let client = testClient(port: port)
            await #expect {
                _ = try await client.unary(AtsReadService.getJobPage, ListJobsRequest())
            } throws: {
                let error = $0 as? ATSBridgeError
                return error?.code.status == .failedPrecondition
                    && error?.code.dotted == "INTEGRATION.SETUP_SYNC_PENDING"
            }
            await #expect {
                for try await _ in client.serverStreaming(AtsReadService.listCandidates, ListCandidatesRequest()) {}
            } throws: { ($0 as? ATSBridgeError)?.code.dotted == "INTEGRATION.SETUP_SYNC_PENDING" }
            let unknown = testClient(port: port, integrationID: "int-2")
            await #expect {
                _ = try await unknown.unary(AtsReadService.getUser, GetRequest(id: "x"))
            } throws: { ($0 as? ATSBridgeError)?.code.status == .notFound }

            _ = try await store.updateIntegration(id: "int-1") { $0.setupStatus = .completed }
            let page = try await client.unary(AtsReadService.getJobPage, ListJobsRequest())
            #expect(page.items.isEmpty)
            await client.close()
            await unknown.close()
        }
    }
}

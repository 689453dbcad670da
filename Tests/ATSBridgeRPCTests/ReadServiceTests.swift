import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeTestSupport
import Foundation
import Testing

/// The read methods end to end over the wire, on the in-memory store.
@Suite struct ReadServiceTests {
    let store = InMemoryRecordStore()

    private func seed(_ count: Int) throws -> [Candidate] {
        let candidates = (0..<count).map { index in
            var candidate = SampleRecords.candidate(index: index)
            candidate.id = String(format: "cand%020d", index)
            candidate.changedAt = 1_000 + Int64(index)
            return candidate
        }
        try self.store.put(candidates: candidates, integrationID: "int-1")
        return candidates
    }

    @Test func listStreamsEveryPageWithAResumeCursor() async throws {
        let candidates = try self.seed(250)
        try await withTestServer(router: TestMethods.router(probe: Probe(), store: self.store)) { port in
            let client = testClient(port: port)
            var pages: [CandidatePage] = []
            let request = ListCandidatesRequest(page: PageRequest(pageSize: 100))
            for try await page in client.serverStreaming(AtsReadService.listCandidates, request) { pages.append(page) }
            #expect(pages.map(\.items.count) == [100, 100, 50])
            #expect(pages.flatMap(\.items) == candidates)
            #expect(pages[0].nextCursor != nil && pages[1].nextCursor != nil && pages[2].nextCursor == nil)

            // Resuming from the first page's cursor gives exactly the rest.
            var resumed: [Candidate] = []
            let resume = ListCandidatesRequest(page: PageRequest(pageSize: 100, cursor: pages[0].nextCursor))
            for try await page in client.serverStreaming(AtsReadService.listCandidates, resume) {
                resumed += page.items
            }
            #expect(resumed == Array(candidates.dropFirst(100)))
            await client.close()
        }
    }

    @Test func unaryPageAndGetByID() async throws {
        let candidates = try self.seed(5)
        try await withTestServer(router: TestMethods.router(probe: Probe(), store: self.store)) { port in
            let client = testClient(port: port)
            let page = try await client.unary(
                AtsReadService.getCandidatePage,
                ListCandidatesRequest(page: PageRequest(pageSize: 2, updatedAfter: 1_001))
            )
            #expect(page.items.map(\.id) == [candidates[2].id, candidates[3].id])
            let one = try await client.unary(AtsReadService.getCandidate, GetRequest(id: candidates[4].id))
            #expect(one == candidates[4])
            await #expect { _ = try await client.unary(AtsReadService.getCandidate, GetRequest(id: "nope")) } throws: {
                ($0 as? ATSBridgeError)?.code.status == .notFound
            }
            await client.close()
        }
    }

    @Test func pageSizeOutOfRangeIsInvalidArgument() async throws {
        try await withTestServer(router: TestMethods.router(probe: Probe(), store: self.store)) { port in
            let client = testClient(port: port)
            for size: UInt32 in [0, 1001] {
                await #expect {
                    _ = try await client.unary(
                        AtsReadService.getCandidatePage,
                        ListCandidatesRequest(page: PageRequest(pageSize: size))
                    )
                } throws: { error in
                    let error = error as? ATSBridgeError
                    return error?.code.status == .invalidArgument && error?.message.contains("page_size") == true
                }
            }
            await client.close()
        }
    }

    @Test func integrationsAreIsolated() async throws {
        _ = try self.seed(3)
        try await withTestServer(router: TestMethods.router(probe: Probe(), store: self.store)) { port in
            let other = testClient(port: port, integrationID: "int-2")
            let page = try await other.unary(AtsReadService.getCandidatePage, ListCandidatesRequest())
            #expect(page.items.isEmpty)
            await other.close()
        }
    }
}

import ATSBridgeAPI
import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeStoreSQLite
import ATSBridgeTestSupport
import Testing

/// No one connection and no one API key can take the server's whole response memory: a client
/// that opens lists and reads none holds at most its share, and others' lists go on meanwhile.
/// (In the serialized suite: the tests count the same limit metrics.)
extension ResponseMemoryTests {
    /// The share a test fills.
    enum Share: String, CaseIterable {
        case connection, key
    }

    /// The largest page of `store`'s candidates, in bytes.
    static func largestPage(of store: SQLiteStore, pageSize: UInt32) async throws -> Int {
        var query = RecordQuery(integrationID: "int-1", model: .candidate, pageSize: Int(pageSize))
        var largest = 0
        while true {
            let page = try await store.page(query)
            largest = max(largest, page.byteCount)
            guard let cursor = page.nextCursor else { return largest }
            query.cursor = cursor
        }
    }

    @Test(arguments: Share.allCases)
    func aClientThatReadsNothingHoldsOnlyItsShare(_ share: Share) async throws {
        let pageSize = Self.pageSize
        let (store, candidates) = try await SQLiteReadTests.store(candidates: 2000, email: { "p\($0)@example.sk" })
        let largestPage = try await Self.largestPage(of: store, pageSize: pageSize)
        try await withTestServerObject(
            router: TestMethods.router(probe: Probe(), store: store),
            configure: {
                // Without the share, the stalled lists would fill the server's budget, and the
                // other client's list would wait for the stall timeout.
                $0.maxBufferedResponseBytes = 10 * largestPage
                $0.maxConnectionResponseBytes = share == .connection ? 2 * largestPage : 1 << 30
                $0.maxKeyResponseBytes = share == .key ? 2 * largestPage : 1 << 30
                // No cut-off during the test: the share alone must keep the others going.
                $0.connection.creditStallTimeout = .seconds(120)
            }
        ) { server, port in
            let limit: RPCLimit = share == .connection ? .connectionResponseMemory : .keyResponseMemory
            let waits = LimitMetrics.hits(limit)
            // 30 lists with credit for every page, on a socket nobody reads.
            let stalled = try await RawConnection.handshaken(port: port, initialCredit: 100)
            stalled.stopReading()
            let request = try ListCandidatesRequest(page: PageRequest(pageSize: pageSize)).encode()
            for stream in stride(from: UInt32(1), through: 59, by: 2) {
                try await stalled.send(
                    try RawConnection.callOpen(stream, method: AtsReadService.listCandidates.fullName)
                        + RawConnection.frame(.message, flags: 0x01, streamID: stream, payload: request)
                )
            }
            try await eventually("the stalled lists to wait for their share") {
                LimitMetrics.hits(limit) > waits
            }
            // The share, plus a page for each read that passed its check at the same time.
            let bound = 2 * largestPage + 4 * largestPage
            #expect(server.bufferedResponseBytes.peak <= bound)

            // Another connection, or another key on a connection of its own, gets its whole list.
            let client = testClient(port: port, apiKey: share == .connection ? TestKeys.reader : TestKeys.admin)
            var received: [String] = []
            for try await page in client.serverStreaming(
                AtsReadService.listCandidates,
                ListCandidatesRequest(page: PageRequest(pageSize: pageSize)),
                options: CallOptions(timeout: .seconds(60))
            ) {
                received += page.items.map(\.id)
            }
            #expect(received == candidates.map(\.id).sorted())
            await client.close()
            // The other client's last pages are written and given back; the stalled lists wait.
            try await eventually("the stalled lists to hold only their share") {
                server.bufferedResponseBytes.now <= bound
            }
            await stalled.close()
            try await eventually("every page's memory to come back") { server.bufferedResponseBytes.now == 0 }
        }
    }
}

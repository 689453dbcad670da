import ATSBridgeAPI
import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeStoreSQLite
import ATSBridgeTestSupport
import NIOCore
import Testing

/// Pages read for lists and not yet sent are held under one server-wide budget: clients that
/// open many lists and read none cannot make the server hold more than it, the bytes come back
/// when those streams end, and a client that reads gets its whole list once they do.
@Suite(.serialized) struct ResponseMemoryTests {
    init() {
        LimitMetrics.install()
    }

    static let pageSize: UInt32 = 50

    @Test func listsThatNobodyReadsHoldNoMoreThanTheBudget() async throws {
        let (store, candidates) = try await SQLiteReadTests.store(candidates: 2000, email: { "p\($0)@example.sk" })
        let largestPage = try await Self.largestPage(of: store, pageSize: Self.pageSize)
        let capacity = 2 * largestPage
        try await withTestServerObject(
            router: TestMethods.router(probe: Probe(), store: store),
            configure: {
                $0.maxBufferedResponseBytes = capacity
                $0.connection.creditStallTimeout = .seconds(2)
            }
        ) { server, port in
            let waits = LimitMetrics.hits(.responseMemory)
            let stalls = LimitMetrics.hits(.connectionStall)
            // 40 lists granted credit for every page, on a socket nobody reads: each would hold
            // the pages the socket does not take, its next page and two read ahead.
            let stalled = try await RawConnection.handshaken(port: port, initialCredit: 100)
            stalled.stopReading()
            let request = try ListCandidatesRequest(page: PageRequest(pageSize: Self.pageSize)).encode()
            for stream in stride(from: UInt32(1), through: 79, by: 2) {
                try await stalled.send(
                    try RawConnection.callOpen(stream, method: AtsReadService.listCandidates.fullName)
                        + RawConnection.frame(.message, flags: 0x01, streamID: stream, payload: request)
                )
            }
            try await eventually("reads to wait for room") { LimitMetrics.hits(.responseMemory) > waits }

            // A client that reads gets every record, once the stalled connection is cut off.
            let client = testClient(port: port)
            var received: [String] = []
            for try await page in client.serverStreaming(
                AtsReadService.listCandidates,
                ListCandidatesRequest(page: PageRequest(pageSize: Self.pageSize)),
                options: CallOptions(timeout: .seconds(60))
            ) {
                received += page.items.map(\.id)
            }
            #expect(received == candidates.map(\.id).sorted())
            #expect(LimitMetrics.hits(.connectionStall) > stalls)
            await client.close()
            // Every page's memory came back: the server cut off the connection nobody reads.
            try await eventually("every page's memory to come back") { server.bufferedResponseBytes.now == 0 }
            await stalled.close()
            // The capacity, plus one page for each read that passed its check at the same time
            // (SQLite's four readers).
            let bound = capacity + 4 * largestPage
            #expect(server.bufferedResponseBytes.peak <= bound)
            #expect(server.bufferedResponseBytes.peak >= largestPage)
        }
    }

    /// A peer that trickles (1 KiB a tenth of a second) holds its pages hostage: cut off. One that
    /// reads steadily, if slower than the server writes, is not.
    @Test func aPeerThatReadsNextToNothingIsCutOffAndOneThatReadsIsNot() async throws {
        let (store, _) = try await SQLiteReadTests.store(candidates: 2000, email: { "p\($0)@example.sk" })
        try await withTestServerObject(
            router: TestMethods.router(probe: Probe(), store: store),
            configure: { $0.connection.creditStallTimeout = .seconds(2) }
        ) { server, port in
            let request = try ListCandidatesRequest(page: PageRequest(pageSize: Self.pageSize)).encode()
            func openLists(on connection: RawConnection) async throws {
                for stream in stride(from: UInt32(1), through: 39, by: 2) {
                    try await connection.send(
                        try RawConnection.callOpen(stream, method: AtsReadService.listCandidates.fullName)
                            + RawConnection.frame(.message, flags: 0x01, streamID: stream, payload: request)
                    )
                }
            }
            let settings = Settings(initialCredit: 100)
            let cutOff = LimitMetrics.hits(.connectionStall)
            let reader = try await RawConnection.handshaken(port: port, settings: settings, readSize: 64 << 10)
            try await openLists(on: reader)
            let reading = reader.read(every: .milliseconds(5))
            // Two stall timeouts and more.
            try await Task.sleep(for: .seconds(5))
            reading.cancel()
            #expect(LimitMetrics.hits(.connectionStall) == cutOff, "a reader is not cut off")
            #expect(!reader.isClosed)
            await reader.close()

            let trickler = try await RawConnection.handshaken(port: port, settings: settings, readSize: 1024)
            try await openLists(on: trickler)
            let trickle = trickler.read(every: .milliseconds(100))
            try await eventually("the trickling peer to be cut off") {
                LimitMetrics.hits(.connectionStall) > cutOff
            }
            trickle.cancel()
            await trickler.close()
            try await eventually("every page's memory to come back") { server.bufferedResponseBytes.now == 0 }
        }
    }

    @Test func aListReadsNoPageItsClientHasNoCreditFor() async throws {
        let (store, _) = try await SQLiteReadTests.store(candidates: 200, email: { "p\($0)@example.sk" })
        try await withTestServerObject(router: TestMethods.router(probe: Probe(), store: store)) { server, port in
            let connection = try await RawConnection.handshaken(port: port, initialCredit: 0)
            let request = try ListCandidatesRequest(page: PageRequest(pageSize: Self.pageSize)).encode()
            try await connection.send(
                try RawConnection.callOpen(1, method: AtsReadService.listCandidates.fullName)
                    + RawConnection.frame(.message, flags: 0x01, streamID: 1, payload: request)
                    + RawConnection.callOpen(3, method: AtsReadService.listCandidates.fullName)
                    + RawConnection.frame(.message, flags: 0x01, streamID: 3, payload: request)
                    + RawConnection.credit(3, 1)
            )
            // Stream 3 was opened after stream 1 and is running: its first page comes, and with
            // no credit left it reads nothing ahead, so once that page is written nothing is held.
            let first = try await connection.waitForFrame("stream 3's first page") {
                $0.type == .message && $0.streamID == 3
            }
            try await eventually("nothing to be held") { server.bufferedResponseBytes.now == 0 }
            #expect(server.bufferedResponseBytes.peak <= first.payload.readableBytes, "only the page sent was read")
            try await connection.send(RawConnection.frame(.cancel, streamID: 3, payload: []))
            #expect(connection.frames().filter { $0.type == .message && $0.streamID == 1 }.isEmpty)
            // Credit for stream 1 starts its list.
            try await connection.send(RawConnection.credit(1, 4))
            #expect(try await connection.status(of: 1).code == .ok, "the STATUS after the last page needs no credit")
            #expect(connection.frames().filter { $0.type == .message && $0.streamID == 1 }.count == 4)
            await connection.close()
        }
    }
}

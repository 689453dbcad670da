import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import Testing

/// Where a watch may start.
@Suite struct WatchTests {
    @Test func aWatchFromASequenceTheLogNeverReachedIsRefused() async throws {
        try await AccessHarness.with { harness in
            _ = try await harness.sync("int-a")
            let last = try await harness.store.lastChangeSequence(integrationID: "int-a")
            #expect(last > 0)
            try await harness.withClient("reader", integration: "int-a") { client in
                let options = CallOptions(timeout: .seconds(30))
                let past = await status {
                    for try await _ in client.serverStreaming(
                        ChangesService.watch,
                        WatchRequest(afterSequence: last + 1000),
                        options: options
                    ) {}
                }
                #expect(past == .invalidArgument)
                // The last sequence itself is where a caught-up client resumes.
                var events = client.serverStreaming(
                    ChangesService.watch,
                    WatchRequest(afterSequence: last, announceStart: true),
                    options: options
                ).makeAsyncIterator()
                let first = try await events.next()
                #expect(first?.startSequence == last)
            }
        }
    }
}

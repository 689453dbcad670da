import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeTestSupport
import Logging
import ServiceLifecycle
import Testing

@Suite struct GracefulShutdownTests {
    @Test func runningCallsFinishNewCallsAreRefusedUnavailable() async throws {
        let probe = Probe()
        let router = TestMethods.router(probe: probe, store: InMemoryRecordStore())
        try await withRunningServer(router: router, configure: { $0.shutdownGracePeriod = .seconds(5) }) {
            port,
            group in
            var clientConfiguration = RPCClientConfiguration(
                port: port,
                apiKey: TestKeys.reader,
                integrationID: "int-1"
            )
            clientConfiguration.backoff.giveUpAfter = .milliseconds(100)
            let client = RPCClient(configuration: clientConfiguration)
            // A call that takes 400 ms is running when the shutdown starts.
            async let slow = client.unary(TestMethods.sleep, PingRequest(payload: [40]))
            try await eventually("the call to reach the server") {
                try await client.unary(TestMethods.echo, PingRequest(payload: [1])).payload == [1]
            }
            await group.triggerGracefulShutdown()
            // Once the GOAWAY is out, new calls are refused, and no new connection is accepted.
            try await eventually("new calls to be refused") {
                do {
                    _ = try await client.unary(TestMethods.echo, PingRequest(payload: [2]))
                    return false
                } catch let error as ATSBridgeError {
                    return error.code.status == .unavailable
                }
            }
            let response = try await slow
            #expect(response.payload == [40])
            #expect(probe.finished == 1)
            #expect(probe.cancelled == 0)
            await client.close()
        }
    }

    @Test func callsStillRunningAfterTheGracePeriodAreCancelled() async throws {
        let probe = Probe()
        let router = TestMethods.router(probe: probe, store: InMemoryRecordStore())
        try await withRunningServer(router: router, configure: { $0.shutdownGracePeriod = .milliseconds(100) }) {
            port,
            group in
            let client = testClient(port: port)
            async let endless: Int = {
                var count = 0
                for try await _ in client.serverStreaming(TestMethods.infinite, PingRequest()) { count += 1 }
                return count
            }()
            try await eventually("messages to flow") { probe.completedWrites > 5 }
            await group.triggerGracefulShutdown()
            do {
                _ = try await endless
                Issue.record("the stream should fail when the server goes away")
            } catch let error as ATSBridgeError {
                #expect(error.code.status == .unavailable)
            }
            try await eventually("the handler to be cancelled") { probe.cancelled == 1 }
            await client.close()
        }
    }
}

import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeTestSupport
import Testing

@Suite struct EndToEndTests {
    let probe = Probe()
    let store = InMemoryRecordStore()
    var router: RPCRouter { TestMethods.router(probe: self.probe, store: self.store) }

    @Test func unaryCallRoundTrips() async throws {
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            let response = try await client.unary(TestMethods.echo, PingRequest(payload: [1, 2, 3]))
            #expect(response.payload == [1, 2, 3])
            let pong = try await client.unary(HealthService.ping, PingRequest(payload: [9]))
            #expect(pong.payload == [9])
            #expect(pong.serverVersion == ATSBridgeVersion.current)
            await client.close()
        }
    }

    @Test func manyConcurrentCallsShareOneConnection() async throws {
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let byte = UInt8(index % 256)
                        let response = try await client.unary(TestMethods.echo, PingRequest(payload: [byte]))
                        #expect(response.payload == [byte])
                    }
                }
                try await group.waitForAll()
            }
            await client.close()
        }
    }

    @Test func manyConnectionsAreServed() async throws {
        try await withTestServer(router: self.router) { port in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let client = testClient(port: port)
                        for index in 0..<10 {
                            let response = try await client.unary(
                                TestMethods.echo,
                                PingRequest(payload: [UInt8(index)])
                            )
                            #expect(response.payload == [UInt8(index)])
                        }
                        await client.close()
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func serverStreamDeliversEveryMessageInOrderAcrossCredit() async throws {
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            var received: [Int64] = []
            // 1,000 messages against a credit of 32: the client must keep topping up.
            for try await message in client.serverStreaming(TestMethods.count, PingRequest(payload: [0x03, 0xE8])) {
                received.append(message.serverTime ?? -1)
            }
            #expect(received == (0..<1000).map(Int64.init))
            await client.close()
        }
    }

    @Test func errorsCarryStatusDottedCodeAndMessage() async throws {
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            do {
                _ = try await client.unary(TestMethods.fails, PingRequest())
                Issue.record("expected an error")
            } catch let error as ATSBridgeError {
                #expect(error.code.status == .invalidArgument)
                #expect(error.code.dotted == "PLATFORM.INPUT_INVALID")
                #expect(error.message.contains("email_address"))
            }
            await client.close()
        }
    }

    @Test func deadlineExceededCancelsTheHandler() async throws {
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            do {
                // The handler answers only when cancelled; the deadline is 100 ms.
                _ = try await client.unary(
                    TestMethods.hold,
                    PingRequest(),
                    options: .init(timeout: .milliseconds(100))
                )
                Issue.record("expected DEADLINE_EXCEEDED")
            } catch let error as ATSBridgeError {
                #expect(error.code.status == .deadlineExceeded)
            }
            try await eventually("the handler to observe cancellation") { self.probe.cancelled == 1 }
            #expect(self.probe.finished == 0)
            await client.close()
        }
    }

    @Test func leavingAStreamLoopCancelsTheCallOnTheServer() async throws {
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            var seen = 0
            for try await _ in client.serverStreaming(TestMethods.infinite, PingRequest()) {
                seen += 1
                if seen == 5 { break }
            }
            try await eventually("the streaming handler to be cancelled") { self.probe.cancelled == 1 }
            // The connection is still good for other calls.
            #expect(try await client.unary(TestMethods.echo, PingRequest(payload: [4])).payload == [4])
            await client.close()
        }
    }

    @Test func aCancelledCallIsCountedAsCancelledWhateverItsHandlerThrows() async throws {
        LimitMetrics.install()
        let method = TestMethods.interrupted.fullName
        let cancelled = LimitMetrics.calls(method, "CANCELLED")
        let unavailable = LimitMetrics.calls(method, "UNAVAILABLE")
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            for try await _ in client.serverStreaming(TestMethods.interrupted, PingRequest()) { break }
            try await eventually("the cancel to be counted") { LimitMetrics.calls(method, "CANCELLED") > cancelled }
            #expect(self.probe.cancelled == 1)
            #expect(LimitMetrics.calls(method, "UNAVAILABLE") == unavailable)
            await client.close()
        }
    }

    @Test func cancellingTheConsumingTaskCancelsTheCall() async throws {
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            let consumer = Task {
                var count = 0
                for try await _ in client.serverStreaming(TestMethods.infinite, PingRequest()) { count += 1 }
                return count
            }
            try await eventually("messages to flow") { self.probe.completedWrites > 10 }
            consumer.cancel()
            _ = await consumer.result
            try await eventually("the streaming handler to be cancelled") { self.probe.cancelled == 1 }
            await client.close()
        }
    }

    @Test func authenticationAndScopingApplyToEveryMethod() async throws {
        try await withTestServer(router: self.router) { port in
            let anonymous = testClient(port: port, apiKey: nil)
            await #expect(throws: ATSBridgeError.self) {
                _ = try await anonymous.unary(TestMethods.echo, PingRequest())
            }
            do {
                _ = try await anonymous.unary(TestMethods.echo, PingRequest())
            } catch let error as ATSBridgeError {
                #expect(error.code.status == .unauthenticated)
            }
            // Health needs no key.
            #expect(try await anonymous.unary(HealthService.ping, PingRequest(payload: [1])).payload == [1])

            let wrongKey = testClient(port: port, apiKey: "not-a-key")
            await #expect { _ = try await wrongKey.unary(TestMethods.echo, PingRequest()) } throws: {
                ($0 as? ATSBridgeError)?.code.status == .unauthenticated
            }

            let scoped = testClient(port: port, apiKey: TestKeys.readerOfOne, integrationID: "int-2")
            await #expect { _ = try await scoped.unary(TestMethods.echo, PingRequest()) } throws: {
                ($0 as? ATSBridgeError)?.code.status == .permissionDenied
            }
            let scopedOK = testClient(port: port, apiKey: TestKeys.readerOfOne, integrationID: "int-1")
            #expect(try await scopedOK.unary(TestMethods.echo, PingRequest(payload: [2])).payload == [2])

            let reader = testClient(port: port)
            await #expect { _ = try await reader.unary(TestMethods.adminOnly, PingRequest()) } throws: {
                ($0 as? ATSBridgeError)?.code.status == .permissionDenied
            }
            let admin = testClient(port: port, apiKey: TestKeys.admin)
            #expect(try await admin.unary(TestMethods.adminOnly, PingRequest(payload: [3])).payload == [3])

            let noIntegration = testClient(port: port, integrationID: nil)
            await #expect { _ = try await noIntegration.unary(TestMethods.echo, PingRequest()) } throws: {
                ($0 as? ATSBridgeError)?.code.status == .invalidArgument
            }
            for client in [anonymous, wrongKey, scoped, scopedOK, reader, admin, noIntegration] { await client.close() }
        }
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            let missing = MethodDescriptor<PingRequest, PingResponse>(
                service: "test.Test",
                method: "Nope",
                kind: .unary
            )
            await #expect { _ = try await client.unary(missing, PingRequest()) } throws: {
                ($0 as? ATSBridgeError)?.code.status == .unimplemented
            }
            await client.close()
        }
    }

    @Test func clientRetriesTheConnectionWithBackoffUntilTheServerIsUp() async throws {
        // Nothing listens on this port for the first attempts: the call fails UNAVAILABLE.
        var configuration = RPCClientConfiguration(port: 1, apiKey: TestKeys.reader)
        configuration.backoff.giveUpAfter = .milliseconds(200)
        let client = RPCClient(configuration: configuration)
        await #expect { _ = try await client.unary(HealthService.ping, PingRequest()) } throws: {
            ($0 as? ATSBridgeError)?.code.status == .unavailable
        }
        await client.close()
    }
}

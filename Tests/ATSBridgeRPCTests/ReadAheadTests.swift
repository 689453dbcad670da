import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeTestSupport
import Testing

/// A stream decodes messages ahead of its consumer on other cores: order, errors, cancellation
/// and memory must look exactly as if it decoded each message when taken.
@Suite struct ReadAheadTests {
    let probe = Probe()
    let store = InMemoryRecordStore()
    var router: RPCRouter { TestMethods.router(probe: self.probe, store: self.store) }

    /// `TestMethods.sequence` read as `GetRequest` (its `id` is the payload, field 1 as a string),
    /// so a payload that is not UTF-8 fails to decode on the client.
    static let sequenceAsStrings = MethodDescriptor<PingRequest, GetRequest>(
        service: "test.Test",
        method: "Sequence",
        kind: .serverStreaming
    )

    /// Reads the sequence, returning the ids received and the error that ended it, if any.
    static func read(
        _ client: RPCClient,
        _ settings: [UInt8],
        readAhead: Int
    ) async -> (ids: [String], error: ATSBridgeError?) {
        var ids: [String] = []
        do {
            let stream = client.serverStreaming(Self.sequenceAsStrings, PingRequest(payload: settings))
            for try await message in stream.readingAhead(readAhead) { ids.append(message.id) }
            return (ids, nil)
        } catch {
            return (ids, error as? ATSBridgeError)
        }
    }

    @Test(arguments: [0, 1, 2, 4])
    func messagesArriveInOrderWhateverTheReadAhead(readAhead: Int) async throws {
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            let (ids, failure) = await Self.read(client, [200], readAhead: readAhead)
            #expect(failure == nil)
            #expect(ids == (0..<200).map { "m\($0)" })
            // 1,000 messages against a credit of 32: credit is granted as the consumer takes them.
            let counted = try await Self.collect(
                client.serverStreaming(TestMethods.count, PingRequest(payload: [3, 0xE8]))
            )
            #expect(counted == (0..<1000).map(Int64.init))
            await client.close()
        }
    }

    static func collect(_ stream: ResponseStream<PingResponse>) async throws -> [Int64] {
        var times: [Int64] = []
        for try await message in stream.readingAhead(2) { times.append(message.serverTime ?? -1) }
        return times
    }

    @Test(arguments: [0, 2])
    func aMessageThatFailsToDecodeFailsTheStreamAtItsPlace(readAhead: Int) async throws {
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            // Message 37 of 100 is not UTF-8; those after it may already be decoding.
            let (ids, failure) = await Self.read(client, [100, 37], readAhead: readAhead)
            #expect(ids == (0..<37).map { "m\($0)" })
            #expect(failure?.code == .internalError)
            // The connection is still good for other calls.
            let echoed = try await client.unary(TestMethods.echo, PingRequest(payload: [4]))
            #expect(echoed.payload == [4])
            await client.close()
        }
    }

    @Test(arguments: [0, 2])
    func aServerErrorAfterMessagesComesAfterAllOfThem(readAhead: Int) async throws {
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            let (ids, failure) = await Self.read(client, [90, 0xFF, 1], readAhead: readAhead)
            #expect(ids == (0..<90).map { "m\($0)" })
            #expect(failure?.code.status == .invalidArgument)
            #expect(failure?.message.contains("after 90 messages") == true)
            await client.close()
        }
    }

    @Test func decodingAheadIsBoundedAndTheServerWaitsForTheConsumer() async throws {
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            let stream = client.serverStreaming(TestMethods.infinite, PingRequest(payload: [4])).readingAhead(2)
            var iterator = stream.makeAsyncIterator()
            #expect(try await iterator.next()?.serverTime == 0)
            // The server fills the credit (32 messages) and then waits for the consumer.
            try await eventually(timeout: .seconds(30), "the server to use its credit") {
                self.probe.completedWrites >= 32
            }
            for expected in 1..<10 {
                #expect(try await iterator.next()?.serverTime == Int64(expected))
                #expect(iterator.messagesAhead <= 2)
            }
            // 10 taken, less than half the credit: no more credit was granted.
            #expect(self.probe.completedWrites == 32)
            await client.close()
        }
    }

    @Test func cancellingTheConsumerWhileMessagesDecodeAheadCancelsTheCall() async throws {
        try await withTestServer(router: self.router) { port in
            let client = testClient(port: port)
            let consumer = Task {
                var count = 0
                let stream = client.serverStreaming(TestMethods.infinite, PingRequest(payload: [16])).readingAhead(2)
                for try await _ in stream { count += 1 }
                return count
            }
            try await eventually(timeout: .seconds(30), "messages to flow") { self.probe.completedWrites > 10 }
            consumer.cancel()
            await #expect {
                _ = try await consumer.value
            } throws: {
                ($0 as? ATSBridgeError)?.code.status == .cancelled
            }
            try await eventually("the streaming handler to be cancelled") { self.probe.cancelled == 1 }
            // The connection is still good for other calls.
            let echoed = try await client.unary(TestMethods.echo, PingRequest(payload: [5]))
            #expect(echoed.payload == [5])
            await client.close()
        }
    }
}

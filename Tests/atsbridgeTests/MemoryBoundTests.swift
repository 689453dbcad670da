import ATSBridgeProto
import ATSBridgeTestSupport
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// `atsbridge serve` as a real process, flooded with maximal requests over raw sockets: its
/// resident memory stays under the bound docs/security.md documents, and a normal client is
/// served meanwhile.
@Suite(.serialized) struct MemoryBoundTests {
    /// The documented bound of the server's peak RSS under this flood, with default limits.
    static let boundBytes = 1 << 30

    @Test func eightConnectionsSendingHundredMaximalRequestsKeepRSSBounded() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let port = try #require(Int(demo.server.split(separator: ":").last ?? ""))
        let baseline = try Self.memory(of: demo.process.pid, "VmRSS")

        // One maximal ListCandidates request (16 MiB, the default max_message_bytes), shared.
        let filter = String(repeating: "a", count: (16 << 20) - 64)
        let message = try ListCandidatesRequest(email: filter).encode()
        #expect(message.count <= 16 << 20)
        let flooders = try await Flooder.connect(8, port: port, apiKey: demo.key)
        let flood = Task { try await Flooder.send(calls: 100, message: message, on: flooders) }
        // A normal client is served during the flood.
        let served = try await CLIProcess.run(
            ["get", "candidates", "--limit", "1", "--format", "ndjson"],
            environment: demo.environment,
            timeout: .seconds(120)
        )
        #expect(served.status == 0, "\(served.stderr)")
        #expect(!flood.isCancelled)
        try await flood.value
        let peak = try Self.memory(of: demo.process.pid, "VmHWM")
        print("memory bound: baseline RSS \(baseline >> 20) MiB, peak RSS \(peak >> 20) MiB under 8 × 100 × 16 MiB")
        #expect(peak < Self.boundBytes, "peak RSS \(peak >> 20) MiB")
        for flooder in flooders { await flooder.close() }
        try await demo.stop()
    }

    /// The documented bound of the server's peak RSS over its start under the flood of lists
    /// nobody reads, with default limits (a response budget of 256 MiB).
    static let listFloodBoundBytes = 1 << 30

    @Test func aThousandListsThatNobodyReadsKeepRSSBounded() async throws {
        let demo = DemoServer(extra: ["--demo-size", "medium"], environment: ["ATSBRIDGE_CREDIT_STALL_TIMEOUT": "5s"])
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let port = try #require(Int(demo.server.split(separator: ":").last ?? ""))
        // Sync done: a list is served.
        let first = try await CLIProcess.run(
            ["get", "candidates", "--limit", "1", "--format", "ndjson"],
            environment: demo.environment,
            timeout: .seconds(120)
        )
        #expect(first.status == 0, "\(first.stderr)")
        let baseline = try Self.memory(of: demo.process.pid, "VmRSS")
        let stallsBefore = try await Self.metric(demo, #"atsbridge_rpc_limit_hits_total{limit="connection_stall"}"#)

        // 10 connections × 100 lists of pages of 1,000 candidates (with their applications and
        // tags), 32 pages of credit each, and sockets that are never read: without the budget,
        // each list would hold its pages waiting for the socket and two read ahead.
        let message = try ListCandidatesRequest(page: PageRequest(pageSize: 1000)).encode()
        let flooders = try await Flooder.connect(10, port: port, apiKey: demo.key, reads: false)
        try await Flooder.send(calls: 100, message: message, on: flooders)
        // A normal client is served meanwhile, if late.
        let served = try await CLIProcess.run(
            ["export", "candidates", "--format", "ndjson", "--out", "-"],
            environment: demo.environment,
            timeout: .seconds(120)
        )
        #expect(served.status == 0, "\(served.stderr)")
        #expect(served.stdout.split(separator: "\n").count == 5_000)
        // The server cuts off the connections nobody reads, and their memory comes back.
        let deadline = ContinuousClock.now + .seconds(120)
        var held = try await Self.metric(demo, "atsbridge_rpc_buffered_response_bytes")
        while held > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            held = try await Self.metric(demo, "atsbridge_rpc_buffered_response_bytes")
        }
        #expect(held == 0, "\(held) bytes still held")
        #expect(
            try await Self.metric(demo, #"atsbridge_rpc_limit_hits_total{limit="connection_stall"}"#) > stallsBefore,
            "connections that read nothing are cut off"
        )
        let peak = try Self.memory(of: demo.process.pid, "VmHWM")
        print(
            "list flood: baseline RSS \(baseline >> 20) MiB, peak RSS \(peak >> 20) MiB under 10 × 100 lists nobody reads"
        )
        #expect(peak < Self.listFloodBoundBytes, "peak RSS \(peak >> 20) MiB")
        for flooder in flooders { await flooder.close() }
        try await demo.stop()
    }

    /// A metric's value (the sum over its series matching `name`) from the demo's `/metrics`.
    static func metric(_ demo: DemoServer, _ name: String) async throws -> Double {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: demo.metricsURL),
            timeout: .seconds(10)
        )
        let text = String(buffer: try await response.body.collect(upTo: 4 << 20))
        return text.split(separator: "\n").filter { $0.hasPrefix(name + " ") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }

    @Test func theServerAnnouncesTheSettingsTheProtocolDocumentLists() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let port = try #require(Int(demo.server.split(separator: ":").last ?? ""))
        let connection = try await Flooder(port: port, apiKey: demo.key)
        var settings: Settings?
        let deadline = ContinuousClock.now + .seconds(10)
        while settings == nil, ContinuousClock.now < deadline {
            // The preface (8 bytes), then the SETTINGS frame: 10-byte header and its payload.
            let bytes = connection.received
            if bytes.count >= 18 {
                let length = bytes[8..<12].reduce(0) { $0 << 8 | Int($1) }
                if bytes.count >= 18 + length { settings = try Settings(decoding: Array(bytes[18..<18 + length])) }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        // docs/protocol.md §1.2, the column of `atsbridge serve` with its defaults.
        #expect(settings?.maxMessageSize == 16 << 20)
        #expect(settings?.maxFrameSize == (16 << 20) + (64 << 10))
        #expect(settings?.maxConcurrentStreams == 100)
        #expect(settings?.initialCredit == 1)
        await connection.close()
        try await demo.stop()
    }

    /// A `/proc/PID/status` field in bytes.
    static func memory(of pid: Int32, _ field: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(field + ":") })
        let kilobytes = try #require(Int(line.split(separator: " ").dropFirst().first ?? ""))
        return kilobytes << 10
    }
}

/// A raw client that opens calls and sends their request, keeping only the first bytes the
/// server sends.
private final class Flooder: Sendable {
    private let channel: any Channel
    private let apiKey: String
    private let first = Received()

    /// The first bytes received (at most 4 KiB).
    var received: [UInt8] { self.first.bytes.withLock { $0 } }

    /// Bytes received, shared with the channel's handler.
    private final class Received: Sendable {
        let bytes = Mutex<[UInt8]>([])
    }

    /// - Parameter reads: Whether the socket is read; `false`: like a client that hangs.
    init(port: Int, apiKey: String, reads: Bool = true) async throws {
        self.apiKey = apiKey
        let first = self.first
        self.channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: reads)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Keep(first: first))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        var opening = ByteBuffer(bytes: [0x41, 0x54, 0x53, 0x42, 0x52, 0x50, 0x43, 0x01])
        Self.frame(&opening, type: 0, streamID: 0, payload: try Settings().encode())
        try await self.channel.writeAndFlush(opening)
    }

    /// `count` connections, opened at once.
    static func connect(_ count: Int, port: Int, apiKey: String, reads: Bool = true) async throws -> [Flooder] {
        try await withThrowingTaskGroup(of: Flooder.self) { group in
            for _ in 0..<count { group.addTask { try await Flooder(port: port, apiKey: apiKey, reads: reads) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// Opens `calls` calls on every one of `flooders` at once.
    static func send(calls: Int, message: [UInt8], on flooders: [Flooder]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for flooder in flooders { group.addTask { try await flooder.send(calls: calls, message: message) } }
            try await group.waitForAll()
        }
    }

    /// Opens `calls` ListCandidates calls, each with `message` as its request.
    func send(calls: Int, message: [UInt8]) async throws {
        let body = ByteBuffer(bytes: message)
        for index in 0..<calls {
            let id = UInt32(2 * index + 1)
            var open = ByteBuffer()
            let callOpen = CallOpen(
                method: AtsReadService.listCandidates.fullName,
                apiKey: self.apiKey,
                integrationID: "demo"
            )
            Self.frame(&open, type: 1, streamID: id, payload: try callOpen.encode())
            Self.header(&open, type: 2, flags: 1, streamID: id, length: body.readableBytes)
            self.channel.write(open, promise: nil)
            // The same bytes every time: the flood costs the test one message, not a hundred.
            try await self.channel.writeAndFlush(body)
        }
    }

    func close() async {
        try? await self.channel.close()
    }

    private static func header(_ buffer: inout ByteBuffer, type: UInt8, flags: UInt8 = 0, streamID: UInt32, length: Int)
    {
        buffer.writeInteger(UInt32(length))
        buffer.writeInteger(type)
        buffer.writeInteger(flags)
        buffer.writeInteger(streamID)
    }

    private static func frame(_ buffer: inout ByteBuffer, type: UInt8, streamID: UInt32, payload: [UInt8]) {
        self.header(&buffer, type: type, streamID: streamID, length: payload.count)
        buffer.writeBytes(payload)
    }

    /// Keeps the first 4 KiB the server sends, drops the rest.
    private final class Keep: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let first: Received

        init(first: Received) {
            self.first = first
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = self.unwrapInboundIn(data)
            self.first.bytes.withLock { bytes in
                guard bytes.count < 4096 else { return }
                bytes += buffer.readableBytesView.prefix(4096 - bytes.count)
            }
        }
    }
}

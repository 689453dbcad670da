import ATSBridgeProto
import ATSBridgeTestSupport
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
        let flooders = try await withThrowingTaskGroup(of: Flooder.self) { group in
            for _ in 0..<8 { group.addTask { try await Flooder(port: port, apiKey: demo.key) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let flood = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for flooder in flooders {
                    group.addTask { try await flooder.send(calls: 100, message: message) }
                }
                try await group.waitForAll()
            }
        }
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

    init(port: Int, apiKey: String) async throws {
        self.apiKey = apiKey
        let first = self.first
        self.channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
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

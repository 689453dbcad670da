import ATSBridgeCore
import ATSBridgeTestSupport
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

@testable import ATSBridgeSandbox

/// The sandbox over real HTTP on loopback.
@Suite struct SandboxHTTPTests {
    private func withServer(
        configure: (inout SandboxConfiguration) -> Void = { _ in },
        _ body: (URL) async throws -> Void
    ) async throws {
        var configuration = SandboxConfiguration()
        configuration.maxBodyBytes = 1 << 20
        configure(&configuration)
        let logger = Logger(label: "test.sandbox")
        let server = SandboxHTTPServer(sandbox: RECRUSandbox(configuration: configuration), port: 0, logger: logger)
        try await withRunningService(server, logger: logger) { server, _ in
            try await body(URL(string: "http://127.0.0.1:\(try await server.listeningPort())/api/json-rpc")!)
        }
    }

    /// A minimal HTTP/1.1 client over a raw socket, so tests see exactly what went over the wire.
    private func post(_ url: URL, _ body: Data, token: String? = nil) async throws -> (Data, HTTPReply) {
        var head = "POST /api/json-rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        head += "\r\n"
        let raw = try await RawHTTP.exchange(port: url.port!, request: Array(head.utf8) + Array(body))
        guard let reply = HTTPReply(raw) else { throw HTTPReply.Failure.noReply }
        return (reply.body, reply)
    }

    private let login = Data(
        #"{"jsonrpc":"2.0","method":"AuthService.login","params":{"login":"api@acme.example","password":"sandbox"},"id":1}"#
            .utf8
    )

    @Test func loginAndListOverHTTP() async throws {
        try await self.withServer { url in
            let (data, response) = try await self.post(url, self.login)
            #expect(response.statusCode == 200)
            let token = try #require(
                ((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["result"] as? [String: Any])?[
                    "token"
                ] as? String
            )
            let list = Data(#"{"jsonrpc":"2.0","method":"ProjectService.getList","params":{"limit":5},"id":2}"#.utf8)
            let (page, _) = try await self.post(url, list, token: token)
            let items =
                ((try JSONSerialization.jsonObject(with: page) as? [String: Any])?["result"] as? [String: Any])?[
                    "items"
                ] as? [Any]
            #expect(items?.count == 5)
        }
    }

    @Test func aTakenPortIsATypedErrorForTheServerAndItsPortWaiters() async throws {
        try await self.withServer { url in
            let logger = Logger(label: "test.sandbox")
            let second = SandboxHTTPServer(sandbox: RECRUSandbox(), port: url.port!, logger: logger)
            let error = await #expect(throws: ATSBridgeError.self) { try await second.run() }
            #expect(error?.code == .unavailable)
            #expect(error?.message == "the RECRU sandbox cannot listen on 127.0.0.1:\(url.port!)")
            await #expect(throws: ATSBridgeError.self) { _ = try await second.listeningPort() }
        }
    }

    @Test func overLargeBodyIs413() async throws {
        try await self.withServer { url in
            let (_, response) = try await self.post(url, Data(repeating: 0x20, count: 2 << 20))
            #expect(response.statusCode == 413)
        }
    }

    @Test func rateLimitOverHTTPCarriesRetryAfter() async throws {
        try await self.withServer(configure: {
            $0.faults.rateLimitPerSecond = 1; $0.faults.retryAfterSeconds = 3
        }) { url in
            let (data, _) = try await self.post(url, self.login)
            let token =
                ((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["result"] as? [String: Any])?[
                    "token"
                ] as? String
            let ping = Data(#"{"jsonrpc":"2.0","method":"SystemService.ping","id":2}"#.utf8)
            // Several at once: even if this task is starved between requests, most of them
            // fall within one second of each other.
            let responses = try await withThrowingTaskGroup(of: HTTPReply.self) { group in
                for _ in 0..<6 { group.addTask { try await self.post(url, ping, token: token).1 } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let limited = try #require(responses.first { $0.statusCode == 429 })
            #expect(limited.value(forHTTPHeaderField: "Retry-After") == "3")
        }
    }

    @Test func droppedConnectionsAndTruncatedBodiesFailTheRequest() async throws {
        try await self.withServer(configure: { $0.faults.dropConnectionRate = 1 }) { url in
            await #expect(throws: (any Error).self) { _ = try await self.post(url, self.login) }
        }
        try await self.withServer(configure: { $0.faults.truncatedBodyRate = 1 }) { url in
            let (data, reply) = try await self.post(url, self.login)
            #expect(reply.isTruncated)
            #expect((try? JSONSerialization.jsonObject(with: data)) == nil)
        }
    }

    @Test func addedLatencyDelaysAnswers() async throws {
        try await self.withServer(configure: { $0.faults.addedLatency = .milliseconds(150) }) { url in
            let start = ContinuousClock.now
            _ = try await self.post(url, self.login)
            #expect(ContinuousClock.now - start >= .milliseconds(150))
        }
    }
}

/// A parsed HTTP/1.1 response.
struct HTTPReply {
    enum Failure: Error { case noReply, truncated }

    var statusCode: Int
    var headers: [String: String]
    var body: Data

    init?(_ bytes: [UInt8]) {
        guard let split = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: bytes[..<split.lowerBound], as: UTF8.self).split(separator: "\r\n")
        guard let statusLine = head.first, let code = Int(statusLine.split(separator: " ")[1]) else { return nil }
        self.statusCode = code
        self.headers = Dictionary(
            head.dropFirst().compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (
                    line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                )
            },
            uniquingKeysWith: { $1 }
        )
        self.body = Data(bytes[split.upperBound...])
    }

    func value(forHTTPHeaderField name: String) -> String? { self.headers[name.lowercased()] }

    /// Whether fewer body bytes arrived than Content-Length announced.
    var isTruncated: Bool { (self.headers["content-length"].flatMap(Int.init) ?? self.body.count) > self.body.count }
}

/// Sends bytes and reads everything until the server closes.
enum RawHTTP {
    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var bytes: [UInt8] = []
        let done: EventLoopPromise<[UInt8]>

        init(done: EventLoopPromise<[UInt8]>) { self.done = done }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.bytes += self.unwrapInboundIn(data).readableBytesView
        }

        func channelInactive(context: ChannelHandlerContext) { self.done.succeed(self.bytes) }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    static func exchange(port: Int, request: [UInt8]) async throws -> [UInt8] {
        let group = MultiThreadedEventLoopGroup.singleton
        let done = group.next().makePromise(of: [UInt8].self)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(done: done))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(bytes: request))
        return try await done.futureResult.get()
    }
}

import ATSBridgeCore
import ATSBridgeListener
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// Serves a ``RECRUSandbox`` over HTTP/1.1 at `POST /api/json-rpc`, like RECRU.
///
/// A ServiceLifecycle service. Bodies are bounded by the sandbox's `maxBodyBytes` (413 beyond),
/// every call is logged (method and status, never parameters), and injected faults (latency,
/// dropped connections, truncated bodies) happen here, on the transport.
public final class SandboxHTTPServer: Service, Sendable {
    private let sandbox: RECRUSandbox
    private let logger: Logger
    private let listener: HTTP1Listener
    /// Open connections, closed on shutdown (HTTP clients keep idle connections alive).
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    /// Creates a server for `sandbox` on `host:port` (`0` picks a free port).
    public init(sandbox: RECRUSandbox, host: String = "127.0.0.1", port: Int = 8480, logger: Logger) {
        self.sandbox = sandbox
        self.logger = logger
        self.listener = HTTP1Listener(name: "the RECRU sandbox", host: host, port: port)
    }

    /// The port the server listens on, once it does.
    public func listeningPort() async throws -> Int {
        try await self.listener.port.value()
    }

    /// Serves until graceful shutdown.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                try await self.listener.run { connection in
                    await self.serve(connection)
                } onShutdown: {
                    for channel in self.connections.withLock({ Array($0.values) }) { channel.close(promise: nil) }
                }
            }
            let port = try await self.listener.port.value()
            self.logger.info("RECRU sandbox listening", metadata: [LogKey.sandboxPort: "\(port)"])
        }
    }

    private func serve(_ connection: HTTP1Connection) async {
        let key = ObjectIdentifier(connection.channel)
        self.connections.withLock { $0[key] = connection.channel }
        defer { _ = self.connections.withLock { $0.removeValue(forKey: key) } }
        let limit = self.sandbox.configuration.maxBodyBytes
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body.removeAll(keepingCapacity: true)
                        tooLarge = (requestHead.headers.first(name: "content-length").flatMap(Int.init) ?? 0) > limit
                    case .body(let buffer):
                        if body.count + buffer.readableBytes > limit { tooLarge = true }
                        if !tooLarge { body.append(contentsOf: buffer.readableBytesView) }
                    case .end:
                        guard let request = head else { continue }
                        let keepGoing = try await self.respond(request, body: body, tooLarge: tooLarge, outbound)
                        if !keepGoing { return }
                        head = nil
                    }
                }
            }
        } catch {
            self.logger.debug("sandbox connection error", metadata: [LogKey.errorType: "\(type(of: error))"])
        }
    }

    /// Writes one response; returns false when the connection must close.
    private func respond(
        _ request: HTTPRequestHead,
        body: [UInt8],
        tooLarge: Bool,
        _ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws -> Bool {
        let latency = self.sandbox.faults.addedLatency
        if latency > .zero { try await Task.sleep(for: latency) }
        guard request.uri.split(separator: "?").first == "/api/json-rpc" else {
            try await self.write(
                outbound,
                status: .notFound,
                body: Array("Not Found".utf8),
                keepAlive: request.isKeepAlive
            )
            return request.isKeepAlive
        }
        guard request.method == .POST else {
            try await self.write(outbound, status: .methodNotAllowed, body: [], keepAlive: request.isKeepAlive)
            return request.isKeepAlive
        }
        guard !tooLarge else {
            try await self.write(
                outbound,
                status: .payloadTooLarge,
                body: Array("Payload Too Large".utf8),
                keepAlive: false
            )
            return false
        }
        var response = self.sandbox.handle(
            body: body,
            authorization: request.headers.first(name: "authorization"),
            adminSecret: request.headers.first(name: "x-sandbox-admin-secret")
        )
        if self.sandbox.keepsData, RECRUSandbox.changesRecords(response.methods) {
            let sandbox = self.sandbox
            do {
                // File I/O runs on the thread pool, never on the cooperative pool.
                try await NIOThreadPool.singleton.runIfActive { try sandbox.persist() }
            } catch {
                // RECRU answered, but the write would be lost on a restart: fail the call instead.
                self.logger.error("sandbox data not saved", metadata: [LogKey.errorType: "\(type(of: error))"])
                response = RECRUSandbox.Response(
                    status: 500,
                    headers: [],
                    body: Array("Internal Server Error".utf8),
                    fault: .none,
                    methods: response.methods
                )
            }
        }
        if response.fault == .none, !response.isAdmin, self.sandbox.shouldTruncate() { response.fault = .truncate }
        self.logger.info(
            "sandbox call",
            metadata: [
                LogKey.sandboxMethods: "\(response.methods.joined(separator: ","))",
                LogKey.sandboxStatus: "\(response.status)",
                LogKey.sandboxFault: "\(response.fault)",
                LogKey.sandboxBytes: "\(body.count)",
            ]
        )
        switch response.fault {
        case .drop:
            return false
        case .truncate:
            var headers = HTTPHeaders([
                ("content-type", "application/json"), ("content-length", String(response.body.count)),
            ])
            headers.add(name: "connection", value: "close")
            try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)))
            try await outbound.write(
                .body(.byteBuffer(ByteBuffer(bytes: response.body.prefix(response.body.count / 2))))
            )
            return false
        case .none:
            try await self.write(
                outbound,
                status: HTTPResponseStatus(statusCode: response.status),
                body: response.body,
                extraHeaders: response.headers,
                keepAlive: request.isKeepAlive
            )
            return request.isKeepAlive
        }
    }

    private func write(
        _ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        status: HTTPResponseStatus,
        body: [UInt8],
        extraHeaders: [(String, String)] = [],
        keepAlive: Bool
    ) async throws {
        var headers = HTTPHeaders([("content-type", "application/json"), ("content-length", String(body.count))])
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        if !keepAlive { headers.add(name: "connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
        if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        try await outbound.write(.end(nil))
    }
}

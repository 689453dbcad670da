import ATSBridgeCore
import ATSBridgeListener
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Serves the process's metrics in the Prometheus text format at `GET /metrics`.
///
/// Every library (RPC calls and stream throughput, sync runs and durations) reports through
/// swift-metrics, which `main` bootstrapped with the ``MetricsRegistry`` this server reads.
final class MetricsHTTPServer: Service, Sendable {
    let listen: HostPort
    private let logger: Logger
    private let listener: HTTP1Listener

    private let registry: MetricsRegistry

    init(listen: HostPort, registry: MetricsRegistry, logger: Logger) {
        self.listen = listen
        self.registry = registry
        self.logger = logger
        self.listener = HTTP1Listener(name: "the metrics endpoint", host: listen.host, port: listen.port)
    }

    func listeningPort() async throws -> Int { try await self.listener.port.value() }

    func run() async throws {
        try await self.listener.run { connection in await self.serve(connection) }
    }

    /// Answers one request per connection, then closes it (scrapers open a connection each).
    private func serve(_ connection: HTTP1Connection) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                if case .head(let request) = part { head = request }
                guard case .end = part, let request = head else { continue }
                let found = request.method == .GET && request.uri.split(separator: "?").first == "/metrics"
                let body = found ? self.registry.exposition() : Array("Not Found\n".utf8)
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4" : "text/plain")
                headers.add(name: "Content-Length", value: String(body.count))
                headers.add(name: "Connection", value: "close")
                try await outbound.write(
                    .head(HTTPResponseHead(version: request.version, status: found ? .ok : .notFound, headers: headers))
                )
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                try await outbound.write(.end(nil))
                return
            }
        }
    }
}

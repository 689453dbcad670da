import ATSBridgeCore
import ATSBridgeSandbox
import CoreMetrics
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle
import Synchronization

/// Serves the process's metrics in the Prometheus text format at `GET /metrics`.
///
/// The first server created bootstraps swift-metrics with a Prometheus registry; every library
/// (RPC calls and stream throughput, sync runs and durations) reports through swift-metrics.
final class MetricsHTTPServer: Service, Sendable {
    let listen: HostPort
    private let logger: Logger
    private let boundPort = ListeningPort()

    /// The process's registry, bootstrapped once.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    init(listen: HostPort, logger: Logger) {
        self.listen = listen
        self.logger = logger
        _ = Self.registry
    }

    func listeningPort() async throws -> Int { try await self.boundPort.value() }

    func run() async throws {
        let server: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            server = try await HTTP1Listener.bind(host: self.listen.host, port: self.listen.port)
        } catch {
            self.boundPort.announce(.failure(error))
            throw ATSBridgeError(.unavailable, "the metrics endpoint cannot listen on \(self.listen)", cause: error)
        }
        self.boundPort.announce(.success(server.channel.localAddress?.port ?? self.listen.port))
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
    }

    /// Answers one request per connection, then closes it (scrapers open a connection each).
    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                if case .head(let request) = part { head = request }
                guard case .end = part, let request = head else { continue }
                let found = request.method == .GET && request.uri.split(separator: "?").first == "/metrics"
                let body = found ? Self.registry.emitToBuffer() : Array("Not Found\n".utf8)
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

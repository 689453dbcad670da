import ATSBridgeAPI
import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeTestSupport
import Logging
import ServiceLifecycle

/// Keys the tests use: a reader of `int-1` only, a reader of all, a writer, an admin.
enum TestKeys {
    static let readerOfOne = "reader-one-key"
    static let reader = "reader-key"
    static let admin = "admin-key"

    static let all: [APIKey] = [
        APIKey(name: "reader-one", plaintext: readerOfOne, access: .read, integrations: ["int-1"]),
        APIKey(name: "reader", plaintext: reader, access: .read),
        APIKey(name: "admin", plaintext: admin, access: .admin),
    ]
}

/// Runs `body` against a live server on a free loopback port, with the service group that
/// runs it (to trigger a graceful shutdown), then shuts it down and waits for it.
func withRunningServer(
    router: RPCRouter,
    configure: (inout RPCServerConfiguration) -> Void = { _ in },
    _ body: (_ port: Int, _ group: ServiceGroup) async throws -> Void
) async throws {
    try await withServer(router: router, configure: configure) { _, port, group in try await body(port, group) }
}

/// Runs `body` with a live server (to inspect it) and its port, then shuts it down.
func withTestServerObject(
    router: RPCRouter,
    configure: (inout RPCServerConfiguration) -> Void = { _ in },
    _ body: (_ server: RPCServer, _ port: Int) async throws -> Void
) async throws {
    try await withServer(router: router, configure: configure) { server, port, _ in try await body(server, port) }
}

private func withServer(
    router: RPCRouter,
    configure: (inout RPCServerConfiguration) -> Void,
    _ body: (_ server: RPCServer, _ port: Int, _ group: ServiceGroup) async throws -> Void
) async throws {
    var configuration = RPCServerConfiguration()
    configuration.port = 0
    configuration.shutdownGracePeriod = .seconds(2)
    configure(&configuration)
    let logger = Logger(label: "test.server")
    let server = RPCServer(
        configuration: configuration,
        router: router,
        authenticator: APIKeyAuthenticator(keys: TestKeys.all),
        logger: logger
    )
    try await withRunningService(server, logger: logger) { server, group in
        try await body(server, try await server.listeningPort(), group)
    }
}

/// Runs `body` against a live server on a free loopback port, then shuts the server down
/// gracefully and waits for it.
func withTestServer(
    router: RPCRouter,
    configure: (inout RPCServerConfiguration) -> Void = { _ in },
    _ body: (_ port: Int) async throws -> Void
) async throws {
    try await withRunningServer(router: router, configure: configure) { port, _ in try await body(port) }
}

/// A client of the test server with the reader key of all integrations.
func testClient(port: Int, apiKey: String? = TestKeys.reader, integrationID: String? = "int-1") -> RPCClient {
    RPCClient(configuration: RPCClientConfiguration(port: port, apiKey: apiKey, integrationID: integrationID))
}

import ATSBridgeAPI
import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeTestSupport
import Foundation
import Logging
import Testing

/// TLS and mutual TLS on the RPC port, over real sockets with certificates made for the run.
@Suite struct TLSTests {
    let router = TestMethods.router(probe: Probe(), store: InMemoryRecordStore())

    /// Runs `body` against a TLS server on a free loopback port, its files copied into their own
    /// folder (so a test can replace them).
    func withTLSServer(
        _ certificates: TestCertificates,
        certificate: String = "server",
        clientCA: Bool = false,
        checkEvery interval: Duration? = nil,
        logger: Logger = Logger(label: "test.tls"),
        _ body: (_ server: RPCServer, _ port: Int, _ files: RPCServerTLS) async throws -> Void
    ) async throws {
        let folder = certificates.path("server-\(UUID())")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var tls = RPCServerTLS(certificatePath: folder + "/cert.pem", privateKeyPath: folder + "/key.pem")
        try FileManager.default.copyItem(atPath: certificates.path(certificate + ".pem"), toPath: tls.certificatePath)
        try FileManager.default.copyItem(atPath: certificates.path(certificate + ".key"), toPath: tls.privateKeyPath)
        if clientCA { tls.clientCAPath = certificates.ca }
        tls.changeCheckInterval = interval
        var configuration = RPCServerConfiguration()
        configuration.port = 0
        configuration.shutdownGracePeriod = .seconds(2)
        configuration.tls = tls
        let server = RPCServer(
            configuration: configuration,
            router: self.router,
            authenticator: APIKeyAuthenticator(keys: TestKeys.all),
            logger: logger
        )
        try await withRunningService(server, logger: logger) { server, _ in
            try await body(server, try await server.listeningPort(), tls)
        }
    }

    func client(_ port: Int, _ tls: RPCClientTLS?, host: String = "127.0.0.1") -> RPCClient {
        var configuration = RPCClientConfiguration(host: host, port: port, apiKey: TestKeys.reader, tls: tls)
        configuration.backoff.giveUpAfter = .milliseconds(300)
        return RPCClient(configuration: configuration)
    }

    func ping(_ client: RPCClient) async throws -> [UInt8] {
        try await client.unary(HealthService.ping, PingRequest(payload: [4, 2])).payload ?? []
    }

    func isTLSRefusal(_ error: any Error) -> Bool {
        guard let error = error as? ATSBridgeError, error.code == .tlsHandshakeFailed else { return false }
        // BoringSSL's source locations (` at /…/handshake.cc:393`) are cut from the message.
        return !error.message.contains(" at /") && !error.message.contains(".build")
    }

    /// Replaces a server's files with the certificate signed by the other CA.
    func replace(_ files: RPCServerTLS, with certificates: TestCertificates) throws {
        // Written beside and renamed over, as deployment tools do, so no reader sees half a file.
        for (source, target) in [("server2.pem", files.certificatePath), ("server2.key", files.privateKeyPath)] {
            try FileManager.default.copyItem(atPath: certificates.path(source), toPath: target + ".new")
            #expect(rename(target + ".new", target) == 0)
        }
    }

    @Test func callsWorkOverTLSWithTheRightCA() async throws {
        let certificates = try await TestCertificates.make()
        try await withTLSServer(certificates) { _, port, _ in
            for host in ["127.0.0.1", "localhost"] {
                let client = self.client(port, RPCClientTLS(caPath: certificates.ca), host: host)
                let answer = try await self.ping(client)
                #expect(answer == [4, 2], "over \(host)")
                await client.close()
            }
        }
    }

    @Test func aServerCertificateFromTheWrongCAIsRefused() async throws {
        let certificates = try await TestCertificates.make()
        try await withTLSServer(certificates) { _, port, _ in
            let client = self.client(port, RPCClientTLS(caPath: certificates.otherCA))
            await #expect { _ = try await self.ping(client) } throws: { self.isTLSRefusal($0) }
            await client.close()
            // The system's trust store does not know the test CA either.
            let system = self.client(port, RPCClientTLS())
            await #expect { _ = try await self.ping(system) } throws: { self.isTLSRefusal($0) }
            await system.close()
        }
    }

    @Test func theServerNameIsVerified() async throws {
        let certificates = try await TestCertificates.make()
        // A certificate for the name atsbridge.test only, no addresses.
        try await withTLSServer(certificates, certificate: "named") { _, port, _ in
            let named = self.client(port, RPCClientTLS(caPath: certificates.ca, serverName: "atsbridge.test"))
            let answer = try await self.ping(named)
            #expect(answer == [4, 2])
            await named.close()
            for name in ["other.test", nil] {
                let client = self.client(port, RPCClientTLS(caPath: certificates.ca, serverName: name))
                await #expect { _ = try await self.ping(client) } throws: { self.isTLSRefusal($0) }
                await client.close()
            }
        }
    }

    @Test func aPlainClientGetsNoAnswerFromATLSPort() async throws {
        let certificates = try await TestCertificates.make()
        try await withTLSServer(certificates) { _, port, _ in
            let client = self.client(port, nil)
            // Either the TLS alert arrives first (not an ATSBridge server) or the port just
            // closes (cannot connect): both are UNAVAILABLE, and never a call that went through.
            await #expect { _ = try await self.ping(client) } throws: {
                ($0 as? ATSBridgeError)?.code.status == .unavailable
            }
            await client.close()
        }
    }

    @Test func mutualTLSRefusesClientsWithoutAValidCertificate() async throws {
        let certificates = try await TestCertificates.make()
        try await withTLSServer(certificates, clientCA: true) { _, port, _ in
            let anonymous = self.client(port, RPCClientTLS(caPath: certificates.ca))
            await #expect { _ = try await self.ping(anonymous) } throws: { self.isTLSRefusal($0) }
            await anonymous.close()

            let stranger = self.client(
                port,
                RPCClientTLS(
                    caPath: certificates.ca,
                    certificatePath: certificates.path("other-client.pem"),
                    privateKeyPath: certificates.path("other-client.key")
                )
            )
            await #expect { _ = try await self.ping(stranger) } throws: { self.isTLSRefusal($0) }
            await stranger.close()

            let known = self.client(
                port,
                RPCClientTLS(
                    caPath: certificates.ca,
                    certificatePath: certificates.clientCertificate,
                    privateKeyPath: certificates.clientKey
                )
            )
            let answer = try await self.ping(known)
            #expect(answer == [4, 2])
            await known.close()
        }
    }

    @Test func reloadServesTheNewCertificateAndKeepsOpenConnections() async throws {
        let certificates = try await TestCertificates.make()
        try await withTLSServer(certificates) { server, port, files in
            let early = self.client(port, RPCClientTLS(caPath: certificates.ca))
            #expect(try await self.ping(early) == [4, 2])

            try self.replace(files, with: certificates)
            try await server.reloadTLS()

            let late = self.client(port, RPCClientTLS(caPath: certificates.otherCA))
            #expect(try await self.ping(late) == [4, 2], "new connections get the new certificate")
            let stale = self.client(port, RPCClientTLS(caPath: certificates.ca))
            await #expect { _ = try await self.ping(stale) } throws: { self.isTLSRefusal($0) }
            // A reconnect would be refused (the old CA no longer verifies), so this answer came
            // over the connection opened before the reload.
            #expect(try await self.ping(early) == [4, 2], "the open connection keeps working")
            for client in [early, late, stale] { await client.close() }
        }
    }

    @Test func changedFilesAreReloadedWithoutASignal() async throws {
        let certificates = try await TestCertificates.make()
        try await withTLSServer(certificates, checkEvery: .milliseconds(50)) { _, port, files in
            let early = self.client(port, RPCClientTLS(caPath: certificates.ca))
            #expect(try await self.ping(early) == [4, 2])
            try self.replace(files, with: certificates)
            try await eventually(timeout: .seconds(10), "the changed certificate is served") {
                let late = self.client(port, RPCClientTLS(caPath: certificates.otherCA))
                let answer = try? await self.ping(late)
                await late.close()
                return answer == [4, 2]
            }
            #expect(try await self.ping(early) == [4, 2])
            await early.close()
        }
    }

    @Test func aBrokenReloadKeepsThePreviousCertificate() async throws {
        let certificates = try await TestCertificates.make()
        try await withTLSServer(certificates) { server, port, files in
            try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: files.certificatePath))
            await #expect { try await server.reloadTLS() } throws: {
                ($0 as? ATSBridgeError)?.code == .inputInvalid
            }
            let client = self.client(port, RPCClientTLS(caPath: certificates.ca))
            #expect(try await self.ping(client) == [4, 2])
            await client.close()
        }
    }

    @Test func missingFilesFailTheStartWithTheirName() async throws {
        var configuration = RPCServerConfiguration()
        configuration.port = 0
        configuration.tls = RPCServerTLS(certificatePath: "/nonexistent/cert.pem", privateKeyPath: "/nonexistent/k.pem")
        let server = RPCServer(
            configuration: configuration,
            router: self.router,
            authenticator: APIKeyAuthenticator(keys: TestKeys.all),
            logger: Logger(label: "test.tls")
        )
        await #expect { try await server.run() } throws: {
            "\($0)".contains("/nonexistent/cert.pem") && ($0 as? ATSBridgeError)?.code == .inputInvalid
        }
    }

    @Test func aCertificateThatExpiredOrExpiresSoonIsWarnedAbout() async throws {
        let certificates = try await TestCertificates.make()
        // The test server certificate is valid for two days: within the 14 days warned about.
        for (certificate, key, warning) in [
            (certificates.expiredCertificate, certificates.expiredKey, "has expired"),
            (certificates.serverCertificate, certificates.serverKey, "expires soon"),
        ] {
            var configuration = RPCServerConfiguration()
            configuration.port = 0
            configuration.tls = RPCServerTLS(certificatePath: certificate, privateKeyPath: key)
            // A reload checks again.
            let logs = try await self.logsOfAServer(configuration) { try await $0.reloadTLS() }
            let warnings = logs.entries.filter { $0.level == .warning && $0.message.contains("tls certificate") }
            #expect(warnings.count == 2, "at start and at the reload: \(warnings.map(\.message))")
            #expect(warnings.allSatisfy { $0.message.contains(warning) })
            #expect(warnings.allSatisfy { $0.metadata[LogKey.tlsCertificateExpiry] != nil })
        }
    }

    @Test func aNonLoopbackAddressWithoutTLSIsWarnedAbout() async throws {
        for (host, tls) in [("0.0.0.0", false), ("127.0.0.1", false), ("0.0.0.0", true)] {
            var configuration = RPCServerConfiguration()
            configuration.host = host
            configuration.port = 0
            if tls {
                let certificates = try await TestCertificates.make()
                configuration.tls = RPCServerTLS(
                    certificatePath: certificates.serverCertificate,
                    privateKeyPath: certificates.serverKey
                )
            }
            let logs = try await self.logsOfAServer(configuration)
            let warned = logs.entries.contains { $0.level == .warning && $0.message.contains("without TLS") }
            #expect(warned == (host == "0.0.0.0" && !tls), "\(host), tls \(tls)")
        }
    }

    /// What a server with `configuration` logs from its start, through `body`, to its shutdown.
    private func logsOfAServer(
        _ configuration: RPCServerConfiguration,
        _ body: (RPCServer) async throws -> Void = { _ in }
    ) async throws -> LogCapture {
        let logs = LogCapture()
        let server = RPCServer(
            configuration: configuration,
            router: self.router,
            authenticator: APIKeyAuthenticator(keys: TestKeys.all),
            logger: logs.logger()
        )
        try await withRunningService(server, logger: Logger(label: "test.tls")) { server, _ in
            _ = try await server.listeningPort()
            try await body(server)
        }
        return logs
    }
}

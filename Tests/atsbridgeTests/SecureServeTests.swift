import ATSBridgeTestSupport
import Foundation
import Testing

/// `atsbridge serve` safe to expose, as a real process: mutual TLS for the CLI, reload on
/// SIGHUP, and owner-only data files.
@Suite(.serialized) struct SecureServeTests {
    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? NSNumber).intValue & 0o777
    }

    @Test func theCLITalksMutualTLSAndTheServerReloadsOnSIGHUP() async throws {
        let certificates = try await TestCertificates.make()
        let files = certificates.path("live")
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        for (source, target) in [("server.pem", "cert.pem"), ("server.key", "key.pem")] {
            try FileManager.default.copyItem(atPath: certificates.path(source), toPath: files + "/" + target)
        }
        let demo = DemoServer(extra: [
            "--tls-cert", files + "/cert.pem", "--tls-key", files + "/key.pem", "--tls-client-ca", certificates.ca,
        ])
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        #expect(demo.process.stdout.contains("(mutual TLS)"))
        let client = [
            "ATSBRIDGE_CA": certificates.ca, "ATSBRIDGE_CLIENT_CERT": certificates.clientCertificate,
            "ATSBRIDGE_CLIENT_KEY": certificates.clientKey,
        ]
        let env = demo.environment.merging(client) { $1 }

        let ping = try await CLIProcess.run(["ping"], environment: env)
        #expect(ping.status == 0, "\(ping.stderr)")
        let viaFlags = try await CLIProcess.run(
            [
                "ping", "--tls", "--ca", certificates.ca, "--client-cert", certificates.clientCertificate,
                "--client-key", certificates.clientKey,
            ],
            environment: demo.environment
        )
        #expect(viaFlags.status == 0, "\(viaFlags.stderr)")

        let anonymous = try await CLIProcess.run(["ping", "--ca", certificates.ca], environment: demo.environment)
        #expect(anonymous.status == 69 && anonymous.stderr.contains("PLATFORM.TLS_HANDSHAKE_FAILED"), "\(anonymous)")
        var wrongCA = env
        wrongCA["ATSBRIDGE_CA"] = certificates.otherCA
        let refused = try await CLIProcess.run(["ping"], environment: wrongCA)
        #expect(refused.status == 69 && refused.stderr.contains("PLATFORM.TLS_HANDSHAKE_FAILED"), "\(refused)")
        let plain = try await CLIProcess.run(["ping", "--timeout", "2s"], environment: demo.environment)
        #expect(plain.status != 0)

        // A new certificate from the other CA, renamed into place, then SIGHUP.
        for (source, target) in [("server2.pem", "cert.pem"), ("server2.key", "key.pem")] {
            try FileManager.default.copyItem(atPath: certificates.path(source), toPath: files + "/new-" + target)
            #expect(rename(files + "/new-" + target, files + "/" + target) == 0)
        }
        demo.process.signal(SIGHUP)
        try await eventually(timeout: .seconds(30), "the reloaded certificate is served") {
            try await CLIProcess.run(["ping"], environment: wrongCA).status == 0
        }
    }

    @Test func dataFilesAreOwnerOnlyAndLooseModesAreWarnedAboutOrRefused() async throws {
        let demo = DemoServer()
        try await demo.start()
        let env = demo.environment
        // A write makes sure the WAL and shared-memory files exist.
        let sync = try await CLIProcess.run(["sync", "--full", "--wait"], environment: env)
        #expect(sync.status == 0, "\(sync.stderr)")
        let store = demo.directory + "/atsbridge.sqlite"
        #expect(try self.mode(demo.directory) == 0o700)
        for file in [store, store + "-wal", store + "-shm", demo.directory + "/credential.key"] {
            #expect(try self.mode(file) == 0o600, "\(file)")
        }
        try await demo.stop()
        #expect(!demo.process.stderr.contains("open to other users"))

        #expect(chmod(demo.directory, 0o755) == 0 && chmod(store, 0o644) == 0)
        let strict = try await CLIProcess.run(
            [
                "serve", "--demo", "--data-dir", demo.directory, "--listen", "127.0.0.1:0", "--metrics-listen", "off",
                "--strict-file-modes",
            ]
        )
        #expect(strict.status == 75, "\(strict.stderr)")
        #expect(strict.stderr.contains("PLATFORM.FILE_PERMISSIONS_UNSAFE") && strict.stderr.contains(store))

        let lenient = DemoServer(directory: demo.directory)
        try await lenient.start()
        try await lenient.stop()
        #expect(lenient.process.stderr.contains("open to other users"))
    }
}

import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Throw-away TLS certificates for tests and benchmarks, made by `scripts/make-test-certs.sh`
/// (the openssl CLI) in a temporary folder, once per process. Never for production. The files
/// are read-only to their users: a test that changes a file copies it first.
public struct TestCertificates: Sendable {
    /// The folder holding the PEM files.
    public let directory: String

    /// The path of a file in ``directory``, such as `ca.pem` or `server.key`.
    public func path(_ name: String) -> String { self.directory + "/" + name }

    /// The test CA and its server and client certificates.
    public var ca: String { self.path("ca.pem") }
    /// A CA nothing trusts.
    public var otherCA: String { self.path("other-ca.pem") }
    /// The server certificate (localhost, 127.0.0.1, ::1) signed by ``ca``.
    public var serverCertificate: String { self.path("server.pem") }
    /// The server certificate's key.
    public var serverKey: String { self.path("server.key") }
    /// A server certificate like ``serverCertificate`` that expired a day ago.
    public var expiredCertificate: String { self.path("expired.pem") }
    /// The expired certificate's key.
    public var expiredKey: String { self.path("expired.key") }
    /// A client certificate signed by ``ca``.
    public var clientCertificate: String { self.path("client.pem") }
    /// The client certificate's key.
    public var clientKey: String { self.path("client.key") }

    private static let made = Mutex<Task<TestCertificates, any Error>?>(nil)

    /// The process's set, made on first use.
    ///
    /// - Throws: When the script fails (is openssl installed? `scripts/install-deps.sh`).
    public static func make() async throws -> TestCertificates {
        let task = self.made.withLock { made in
            if let made { return made }
            let task = Task { try await self.run() }
            made = task
            return task
        }
        return try await task.value
    }

    private static func run() async throws -> TestCertificates {
        let directory = TemporaryFiles.unique("atsbridge-certs").path
        // This file is Sources/ATSBridgeTestSupport/TestCertificates.swift in the repository.
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/make-test-certs.sh").path
        let status = try await ChildProcess.run("/bin/bash", [script, directory], timeout: .seconds(300)).status
        guard status == 0 else { throw CertificateScriptFailed(status: status) }
        return TestCertificates(directory: directory)
    }

    /// `scripts/make-test-certs.sh` failed.
    public struct CertificateScriptFailed: Error, CustomStringConvertible {
        /// The script's exit status (or the signal that ended it).
        public var status: Int32
        /// What failed.
        public var description: String {
            "scripts/make-test-certs.sh exited with \(self.status) (is openssl installed?)"
        }
    }
}

import Foundation
import Testing

/// A PostgreSQL store that cannot be reached, refuses the password or drops connections: clear
/// errors naming the server, never the password.
extension ScaleOutTests {
    private static let credentialKey = String(repeating: "ab", count: 32)

    /// `atsbridge serve` with `store` in ATSBRIDGE_STORE, expected to exit at start-up.
    private func failedStart(store: String) async throws -> CLIProcess.Result {
        try await CLIProcess.run(
            ["serve", "--listen", "127.0.0.1:0", "--metrics-listen", "off", "--credential-key", Self.credentialKey],
            environment: ["ATSBRIDGE_STORE": store],
            timeout: .seconds(90)
        )
    }

    @Test func anUnreachableOrMisspelledPostgreSQLURLIsAClearStartupErrorWithoutThePassword() async throws {
        let unreachable = try await self.failedStart(store: "postgres://ats:unreachable-secret-1@127.0.0.1:1/ats")
        #expect(unreachable.status == 69, "UNAVAILABLE: \(unreachable.stderr)")
        #expect(unreachable.stderr.contains("PLATFORM.STORE_UNAVAILABLE") && unreachable.stderr.contains("127.0.0.1:1"))
        #expect(!(unreachable.stdout + unreachable.stderr).contains("unreachable-secret-1"))

        let malformed = try await self.failedStart(store: "postgres://ats:malformed-secret-2@/ats")
        #expect(malformed.status == 65, "INVALID_ARGUMENT: \(malformed.stderr)")
        #expect(malformed.stderr.contains("names no host") && malformed.stderr.contains("ats:***@"))
        #expect(!(malformed.stdout + malformed.stderr).contains("malformed-secret-2"))

        let flag = try await CLIProcess.run([
            "serve", "--store", "postgres://ats:flag-secret-3@db:99999/ats", "--credential-key", Self.credentialKey,
        ])
        #expect(flag.status == 65 && flag.stderr.contains("ats:***@db"), "\(flag.stderr)")
        #expect(!(flag.stdout + flag.stderr).contains("flag-secret-3"))
    }

    @Test func aWrongPostgreSQLPasswordIsAClearStartupErrorNamingTheHostNotThePassword() async throws {
        var url = try TestPostgres.url()
        let password = url.password ?? ""
        url.password = "wrong-password-4"
        let result = try await self.failedStart(store: url.string ?? "")
        let output = result.stdout + result.stderr
        #expect(result.status != 0 && result.stderr.contains("PLATFORM.STORE_UNAVAILABLE"), "\(result.stderr)")
        #expect(output.contains("\(url.host ?? "?"):\(url.port ?? 5432)"), "names the server: \(result.stderr)")
        #expect(!output.contains("wrong-password-4"))
        #expect(password.isEmpty || !output.contains(password))
    }
}

import Foundation

/// The PostgreSQL server the multi-instance tests run against: `ATSBRIDGE_TEST_POSTGRES_URL`
/// (scripts/test.sh and .ci/run start a throw-away cluster and set it). Each test gets a
/// database of its own, created and dropped with `psql`.
enum TestPostgres {
    /// What a developer reads when the variable is missing: the tests fail, never skip.
    static let howToStart = """
        these tests need a PostgreSQL server, and ATSBRIDGE_TEST_POSTGRES_URL is not set nor a \
        test cluster running. Start a throw-away one (scripts/test.sh and .ci/run do):
          scripts/postgres-test-cluster.sh start
        or set ATSBRIDGE_TEST_POSTGRES_URL to a server where its user may create databases.
        """

    struct Missing: Error, CustomStringConvertible {
        var description: String { TestPostgres.howToStart }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The server's URL, or ``Missing`` with the how-to.
    static func url() throws -> URLComponents {
        var text = ProcessInfo.processInfo.environment["ATSBRIDGE_TEST_POSTGRES_URL"] ?? ""
        if text.isEmpty {
            // A cluster started by hand with the script is found through its state file.
            let state = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/postgres-test-cluster/url")
            text =
                (try? String(contentsOf: state, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                ?? ""
        }
        guard !text.isEmpty, let url = URLComponents(string: text) else { throw Missing() }
        return url
    }

    /// A new, empty database on the server; its URL.
    static func freshDatabase() async throws -> String {
        var url = try self.url()
        let name = "atsbridge_scale_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await self.psql(url.string ?? "", "CREATE DATABASE \(name)")
        url.path = "/" + name
        return url.string ?? ""
    }

    /// Drops a database made by ``freshDatabase()``, its connections closed first.
    static func drop(_ databaseURL: String) async {
        guard let admin = try? self.url().string, let path = URLComponents(string: databaseURL)?.path,
            path.hasPrefix("/atsbridge_scale_")
        else { return }
        _ = try? await self.psql(admin, "DROP DATABASE IF EXISTS \(path.dropFirst()) WITH (FORCE)")
    }

    /// Runs one SQL command with `psql` (PostgreSQL's client), failing on any error.
    @discardableResult
    static func psql(_ url: String, _ sql: String) async throws -> String {
        let result = try await CLIProcess.run(
            ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
            timeout: .seconds(60),
            executable: URL(fileURLWithPath: "/usr/bin/psql")
        )
        guard result.status == 0 else {
            throw Failure(description: "psql failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }
}

import ATSBridgeCore
import ATSBridgeStorePostgres
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL server of the tests (scripts/postgres-test-cluster.sh), and a fresh database
/// per store: each a copy of a template the store's migrations ran on once per test process.
///
/// Tests that need it fail, never skip, when it is not running.
enum PostgresTestServer {
    /// The server's URL: `ATSBRIDGE_TEST_POSTGRES_URL`, or the URL the cluster script recorded.
    static func url() throws -> String {
        if let url = ProcessInfo.processInfo.environment["ATSBRIDGE_TEST_POSTGRES_URL"], !url.isEmpty {
            return url
        }
        let recorded = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/postgres-test-cluster/url")
        if let url = try? String(contentsOf: recorded, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
            !url.isEmpty
        {
            return url
        }
        throw ATSBridgeError(
            .storeUnavailable,
            "no PostgreSQL for the tests: start one with `scripts/postgres-test-cluster.sh start` "
                + "(scripts/test.sh does), or set ATSBRIDGE_TEST_POSTGRES_URL"
        )
    }

    /// The test server's password (tests build URLs of their own with it).
    static func password() throws -> String {
        URLComponents(string: try self.url())?.password ?? ""
    }

    /// The server's configuration, with the small pool the tests use.
    static func configuration() throws -> PostgresStoreConfiguration {
        var configuration = try PostgresStoreConfiguration(url: self.url())
        configuration.maximumConnections = 4
        return configuration
    }

    /// A logger for test stores: notices and above, to standard error.
    static var logger: Logger {
        var logger = Logger(label: "atsbridge.test.postgres")
        logger.logLevel = .notice
        return logger
    }

    /// A store on a new, migrated database of its own.
    static func makeStore() async throws -> PostgresStore {
        try await PostgresStore(configuration: self.freshDatabase(), logger: self.logger)
    }

    /// A new database copied from the migrated template; its configuration.
    static func freshDatabase() async throws -> PostgresStoreConfiguration {
        let template = try await self.template.value
        return try await self.createDatabase(template: template)
    }

    /// A new, empty database (no tables): migrations run when a store first opens it.
    static func emptyDatabase() async throws -> PostgresStoreConfiguration {
        try await self.createDatabase(template: "template0")
    }

    private static let template = Task<String, any Error> {
        let empty = try await emptyDatabase()
        let store = try await PostgresStore(configuration: empty, logger: logger)
        await store.close()
        return empty.database
    }

    private static func createDatabase(template: String) async throws -> PostgresStoreConfiguration {
        let base = try self.configuration()
        let name = "atsbridge_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await self.admin(base) { connection in
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: #"CREATE DATABASE "\#(name)" TEMPLATE "\#(template)""#),
                logger: logger
            )
        }
        return base.with(database: name)
    }

    /// Runs `body` on a connection of its own to `database` (the maintenance database when nil).
    static func admin<T: Sendable>(
        _ configuration: PostgresStoreConfiguration? = nil,
        database: String? = nil,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let configuration = try configuration ?? self.configuration()
        let url = try self.url()
        let password = URLComponents(string: url)?.password
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: .init(
                    host: configuration.host,
                    port: configuration.port,
                    username: configuration.username,
                    password: password,
                    database: database ?? "postgres",
                    tls: .disable
                ),
                id: 1,
                logger: logger
            )
        } catch {
            throw ATSBridgeError(
                .storeUnavailable,
                "PostgreSQL for the tests at \(configuration.endpoint) cannot be reached: start it with "
                    + "`scripts/postgres-test-cluster.sh start`, or set ATSBRIDGE_TEST_POSTGRES_URL",
                cause: error
            )
        }
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

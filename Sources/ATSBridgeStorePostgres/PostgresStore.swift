public import ATSBridgeCore
import Crypto
public import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import Synchronization

/// The PostgreSQL store: one database shared by several `atsbridge serve` instances
/// (docs/scale-out.md). It keeps the same data with the same results as the SQLite store; what
/// differs is that every instance sees every other's commits, so leases, idempotency claims and
/// change-log sequences are decided by PostgreSQL, not by the process.
///
/// Queries go through postgres-nio's connection pool, whose background work runs in a task the
/// store owns until ``close()``. Nothing blocks: each call suspends until PostgreSQL answers.
public final class PostgresStore: Store, NestedViewCache, Sendable {
    /// The configuration the store was opened with.
    public let configuration: PostgresStoreConfiguration
    let client: PostgresClient
    let logger: Logger
    private let runTask: Task<Void, Never>
    private let cursorSecretBytes: [UInt8]
    /// Rows written since the planner's statistics were last refreshed.
    let statistics = Mutex(WriteStatistics())
    var cursorSecret: SymmetricKey { SymmetricKey(data: self.cursorSecretBytes) }

    /// Connects, runs the migrations that have not run yet (one instance at a time, under an
    /// advisory lock), and starts the connection pool.
    ///
    /// - Parameters:
    ///   - configuration: Where to connect.
    ///   - logger: Background messages of the pool (connection failures); only at notice level
    ///     and above, and never with query parameters.
    /// - Throws: ``ATSBridgeError`` `PLATFORM.STORE_UNAVAILABLE` naming `host:port/database`
    ///   (never the password) when the server cannot be reached, refuses the login or the TLS
    ///   the URL asks for, or the migrations fail.
    public init(configuration: PostgresStoreConfiguration, logger: Logger) async throws {
        var logger = logger
        // postgres-nio logs statements at debug level; they can hold candidate data.
        if logger.logLevel < .notice { logger.logLevel = .notice }
        logger[metadataKey: "store"] = "\(configuration.endpoint)"
        self.configuration = configuration
        self.logger = logger
        let tls = try Self.tls(configuration)
        // One connection first: a refused login or an unreachable host fails here with its own
        // reason, not after the pool's circuit breaker gives up a minute later.
        let secret: [UInt8]
        do {
            let connection = try await PostgresConnection.connect(
                configuration: Self.connectionConfiguration(configuration, tls: tls),
                id: 0,
                logger: logger
            )
            do {
                secret = try await PostgresMigrations.run(on: connection, logger: logger)
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw Self.storeError(error, configuration: configuration, opening: true)
        }
        self.cursorSecretBytes = secret
        var clientConfiguration = PostgresClient.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: tls.pool
        )
        clientConfiguration.options.maximumConnections = configuration.maximumConnections
        clientConfiguration.options.connectTimeout = configuration.connectTimeout
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        self.client = client
        // The pool's background work; cancelled by close() or when the store goes away. The
        // store is returned once the task runs, so that a first query does not find the pool
        // not yet running (postgres-nio warns then).
        let (started, signal) = AsyncStream<Void>.makeStream()
        self.runTask = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
    }

    deinit {
        self.runTask.cancel()
    }

    /// Closes every connection; calls after it fail with `PLATFORM.STORE_UNAVAILABLE`.
    public func close() async {
        self.runTask.cancel()
        await self.runTask.value
    }

    /// The TLS settings for the one start-up connection and for the pool.
    private static func tls(
        _ configuration: PostgresStoreConfiguration
    ) throws -> (connection: PostgresConnection.Configuration.TLS, pool: PostgresClient.Configuration.TLS) {
        var tls = TLSConfiguration.makeClientConfiguration()
        if configuration.tlsMode != .verifyFull {
            // libpq's meaning of prefer and require: encrypted, the certificate not checked.
            tls.certificateVerification = .none
        }
        switch configuration.tlsMode {
        case .disable:
            return (.disable, .disable)
        case .prefer:
            return (.prefer(try Self.context(tls, configuration)), .prefer(tls))
        case .require, .verifyFull:
            return (.require(try Self.context(tls, configuration)), .require(tls))
        }
    }

    private static func context(
        _ tls: TLSConfiguration,
        _ configuration: PostgresStoreConfiguration
    ) throws -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw ATSBridgeError(
                .storeUnavailable,
                "the PostgreSQL store at \(configuration.endpoint): TLS cannot be set up",
                cause: error
            )
        }
    }

    private static func connectionConfiguration(
        _ configuration: PostgresStoreConfiguration,
        tls: (connection: PostgresConnection.Configuration.TLS, pool: PostgresClient.Configuration.TLS)
    ) -> PostgresConnection.Configuration {
        var connection = PostgresConnection.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: tls.connection
        )
        connection.options.connectTimeout = .init(configuration.connectTimeout)
        return connection
    }
}

import ATSBridgeCore
import NIOCore
import NIOSSL
import PostgresNIO

/// PostgreSQL's failures as the project's typed errors. Messages name the store as
/// `host:port/database` and give PostgreSQL's SQLSTATE, never the password, a statement's
/// parameters or the server's message text (which can quote values).
extension PostgresStore {
    /// Maps any error of a store call; ``ATSBridgeError`` and cancellation pass through.
    func storeError(_ error: any Error) -> any Error {
        Self.storeError(error, configuration: self.configuration, opening: false)
    }

    static func storeError(
        _ error: any Error,
        configuration: PostgresStoreConfiguration,
        opening: Bool
    ) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError
            if let inner { return self.storeError(inner, configuration: configuration, opening: opening) }
        }
        if error is ATSBridgeError || error is CancellationError { return error }
        let subject = "the PostgreSQL store at \(configuration.endpoint)"
        if error is ClosedConnection {
            return ATSBridgeError(.storeUnavailable, "\(subject) lost the connection", cause: error)
        }
        guard let psql = error as? PSQLError else {
            if let channel = error as? ChannelError, case .connectTimeout = channel {
                return ATSBridgeError(.storeUnavailable, "\(subject) did not answer in time", cause: error)
            }
            if error is IOError || error is NIOConnectionError || error is ChannelError {
                return ATSBridgeError(.storeUnavailable, "\(subject) cannot be reached", cause: error)
            }
            // The pool's circuit breaker (no connection could be opened for a minute), and the rest.
            return ATSBridgeError(
                .storeUnavailable,
                "\(subject) failed: \(String(describing: type(of: error))) \(String(describing: error).prefix(80))",
                cause: error
            )
        }
        switch psql.code {
        case .server:
            let state = psql.serverInfo?[.sqlState] ?? "?"
            return ATSBridgeError(.storeUnavailable, "\(subject) failed: \(self.describe(state: state))", cause: error)
        case .sslUnsupported:
            return ATSBridgeError(.storeUnavailable, "\(subject) does not accept TLS, which the URL requires")
        case .connectionError where psql.underlying is NIOSSLError || psql.underlying is BoringSSLError:
            return ATSBridgeError(
                .storeUnavailable,
                "\(subject): the TLS handshake failed (is the server's certificate trusted for this host?)",
                cause: error
            )
        case .connectionError, .uncleanShutdown, .serverClosedConnection, .clientClosedConnection:
            let what = opening ? "cannot be reached" : "lost the connection"
            let cause = psql.underlying.map { " (\(type(of: $0)))" } ?? ""
            return ATSBridgeError(.storeUnavailable, "\(subject) \(what)\(cause)", cause: error)
        case .poolClosed:
            return ATSBridgeError(.storeUnavailable, "\(subject) is closed", cause: error)
        case .queryCancelled:
            return CancellationError()
        case .authMechanismRequiresPassword:
            return ATSBridgeError(.storeUnavailable, "\(subject) asks for a password the URL does not give")
        case .unsupportedAuthMechanism, .saslError:
            return ATSBridgeError(.storeUnavailable, "\(subject) refused the login (authentication method)")
        default:
            return ATSBridgeError(.storeUnavailable, "\(subject) failed (\(psql.code))", cause: error)
        }
    }

    /// A SQLSTATE in words, for the states an operator can act on.
    private static func describe(state: String) -> String {
        switch state {
        case "28P01", "28000": "the login was refused (user or password wrong, SQLSTATE \(state))"
        case "3D000": "the database does not exist (SQLSTATE 3D000)"
        case "53300": "too many connections (SQLSTATE 53300): raise max_connections or lower the pool size"
        case "57P01", "57P02", "57P03": "the server is shutting down or starting (SQLSTATE \(state))"
        case "42501": "permission denied (SQLSTATE 42501): the role needs to own the database's tables"
        case "53100": "the server's disk is full (SQLSTATE 53100)"
        default: "SQLSTATE \(state)"
        }
    }

    /// Runs `body` with a pooled connection, mapping errors.
    ///
    /// A pooled connection that the server closed while it was idle (a failover, a killed
    /// backend) is found closed before any statement is sent, or fails the transaction's BEGIN:
    /// then nothing was done, and the call takes another connection (at most three times). A
    /// `readOnly` call is also retried when the connection closes under it.
    func withConnection<T: Sendable>(
        readOnly: Bool = false,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        var attempts = 0
        while true {
            do {
                return try await self.client.withConnection { connection in
                    guard !connection.isClosed else { throw ClosedConnection() }
                    return try await body(connection)
                }
            } catch  where Self.isRetryable(error, readOnly: readOnly) && attempts < 3 {
                // The pool learns of a closed connection on its event loop: give it that moment,
                // or the same connection comes back.
                attempts += 1
                try await Task.sleep(for: .milliseconds(10 << attempts))
            } catch {
                throw self.storeError(error)
            }
        }
    }

    /// Runs `body` in one transaction (READ COMMITTED), mapping errors; rolled back when it throws.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await self.withConnection { connection in
            try await connection.withTransaction(logger: self.logger) { connection in try await body(connection) }
        }
    }

    /// Whether a call failed before anything reached the server.
    private static func isRetryable(_ error: any Error, readOnly: Bool) -> Bool {
        if error is ClosedConnection { return true }
        let closed: [PSQLError.Code] = [.serverClosedConnection, .clientClosedConnection, .uncleanShutdown]
        if readOnly, let psql = error as? PSQLError { return closed.contains(psql.code) }
        guard let transaction = error as? PostgresTransactionError, transaction.closureError == nil,
            let begin = transaction.beginError as? PSQLError
        else { return false }
        return closed.contains(begin.code)
    }

    /// Runs one statement on a pooled connection and collects its rows; a `readOnly` one is
    /// retried on another connection when its connection closes under it.
    func rows(_ query: PostgresQuery, readOnly: Bool = false) async throws -> [PostgresRow] {
        try await self.withConnection(readOnly: readOnly) { connection in
            try await connection.rows(query, logger: self.logger)
        }
    }
}

extension PostgresConnection {
    /// Runs one statement and collects its rows.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await self.query(query, logger: logger) { rows.append(row) }
        return rows
    }

    /// Runs one statement and returns how many rows it affected (or returned).
    @discardableResult
    func run(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        let sequence = try await self.query(query, logger: logger)
        var count = 0
        for try await _ in sequence { count += 1 }
        return count
    }
}

/// A pooled connection found closed before use.
struct ClosedConnection: Error {}

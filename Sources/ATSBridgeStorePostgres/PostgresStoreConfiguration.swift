import ATSBridgeCore
import Foundation

/// Where and how the PostgreSQL store connects: parsed from a
/// `postgres://user:password@host:port/database?sslmode=…` URL.
///
/// The password is kept only to connect: no description, log line or error of the store names
/// it (``description`` shows `user@host:port/database`).
public struct PostgresStoreConfiguration: Sendable, CustomStringConvertible {
    /// How the connection to PostgreSQL is protected, from the URL's `sslmode`.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP (`sslmode=disable`).
        case disable
        /// TLS when the server offers it, plain TCP otherwise (`sslmode=prefer`, the default).
        case prefer
        /// TLS or no connection; the server's certificate is not verified (`sslmode=require`).
        case require
        /// TLS with the server's certificate verified against the system's trust roots and the
        /// URL's host name (`sslmode=verify-full`).
        case verifyFull = "verify-full"
    }

    /// The server's host name or address.
    public let host: String
    /// The server's TCP port. Defaults to 5432.
    public let port: Int
    /// The role ATSBridge logs in as.
    public let username: String
    /// The role's password, if any; never shown.
    let password: String?
    /// The database ATSBridge keeps its tables in.
    public private(set) var database: String
    /// The URL's `sslmode`.
    public let tlsMode: TLSMode
    /// The most connections one store (one `atsbridge serve` process) opens. Defaults to 16:
    /// sixteen processes sharing one server stay within PostgreSQL's default of 100 connections
    /// less its reserved ones only up to 6 instances, so raise `max_connections` beyond that.
    public var maximumConnections: Int = 16
    /// How long opening one connection may take before it fails. Defaults to 10 seconds.
    public var connectTimeout: Duration = .seconds(10)

    /// `host:port/database`, the name errors and logs use for this store.
    public var endpoint: String {
        let shownHost = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "\(shownHost):\(self.port)/\(self.database)"
    }

    /// `user@host:port/database`: everything but the password.
    public var description: String { "\(self.username)@\(self.endpoint)" }

    /// Parses a `postgres://` (or `postgresql://`) URL.
    ///
    /// User and password may be percent-encoded; the port defaults to 5432, the database to the
    /// user name, and `sslmode` to `prefer`. Other query parameters are refused rather than
    /// silently ignored.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` naming what is wrong; the message
    ///   never contains the password.
    public init(url: String) throws {
        func invalid(_ reason: String) -> ATSBridgeError {
            ATSBridgeError(
                .inputInvalid,
                "the PostgreSQL store URL is invalid: \(reason) "
                    + "(expected postgres://user:password@host:port/database?sslmode=disable|prefer|require|verify-full)"
            )
        }
        guard let components = URLComponents(string: url) else {
            throw invalid("it cannot be parsed as a URL")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("the scheme must be postgres:// or postgresql://")
        }
        guard var host = components.percentEncodedHost, !host.isEmpty else { throw invalid("it names no host") }
        host = host.removingPercentEncoding ?? host
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let user = components.user, !user.isEmpty else { throw invalid("it names no user") }
        let port: Int
        if let given = components.port {
            guard (1...65_535).contains(given) else { throw invalid("the port \(given) is out of range") }
            port = given
        } else {
            port = 5432
        }
        var path = components.path
        if path.hasPrefix("/") { path.removeFirst() }
        guard !path.contains("/") else { throw invalid("the database name holds a '/'") }
        var mode = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let parsed = TLSMode(rawValue: value) else {
                    throw invalid("sslmode must be disable, prefer, require or verify-full")
                }
                mode = parsed
            default:
                throw invalid("the parameter '\(item.name)' is not supported")
            }
        }
        self.host = host
        self.port = port
        self.username = user
        self.password = components.password
        self.database = path.isEmpty ? user : path
        self.tlsMode = mode
    }

    /// The same server and credentials, another database (tests give each store its own).
    public func with(database: String) -> Self {
        var copy = self
        copy.database = database
        return copy
    }
}

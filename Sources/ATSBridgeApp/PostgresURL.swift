import ATSBridgeCore
import ATSBridgeStorePostgres
import Foundation

/// A PostgreSQL connection URL, `postgres://USER:PASSWORD@HOST[:PORT]/DATABASE[?sslmode=MODE]`,
/// checked for its shape and shown without its password: its description, debug description
/// and mirror (`dump`) all write `***` for it, so that no log, error or config dump shows it.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The URL as given, password included: only for the store's own connection parser.
    let text: String
    /// The user name.
    public let user: String
    /// The server's host name or address.
    public let host: String
    /// The server's port; 5432 when the URL names none.
    public let port: Int
    /// The database name; the user name when the URL names none.
    public let database: String
    /// The `sslmode`: `disable`, `prefer` (the default), `require` or `verify-full`.
    public let sslMode: String
    /// Whether the URL carries a password.
    public let hasPassword: Bool

    /// Parses and checks a URL with the PostgreSQL store's own parser.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` saying what is wrong, quoting the
    ///   URL with its password replaced by `***`.
    public init(parsing text: String) throws {
        let configuration: PostgresStoreConfiguration
        do {
            configuration = try PostgresStoreConfiguration(url: text)
        } catch let error as ATSBridgeError {
            throw ATSBridgeError(error.code, "\(error.message), not '\(Self.redacted(text))'")
        }
        self.text = text
        self.user = configuration.username
        self.host = configuration.host
        self.port = configuration.port
        self.database = configuration.database
        self.sslMode = configuration.tlsMode.rawValue
        self.hasPassword = URLComponents(string: text)?.password != nil
    }

    /// The store's connection settings.
    var configuration: PostgresStoreConfiguration {
        get throws { try PostgresStoreConfiguration(url: self.text) }
    }

    /// `HOST:PORT/DATABASE`: what start-up errors name.
    public var server: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "\(host):\(self.port)/\(self.database)"
    }

    /// The URL with its password as `***`.
    public var description: String { Self.redacted(self.text) }

    /// The URL with its password as `***`.
    public var debugDescription: String { self.description }

    /// The URL's parts, the password left out.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "user": self.user, "host": self.host, "port": self.port, "database": self.database,
                "sslMode": self.sslMode, "hasPassword": self.hasPassword,
            ]
        )
    }

    /// `text` with everything between the user name and the host (the password) as `***`, and
    /// the value of every query parameter but `sslmode` too (`?password=…` is a password as well).
    static func redacted(_ text: String) -> String {
        let query = text.firstIndex(of: "?")
        let base = text[..<(query ?? text.endIndex)]
        let start = base.range(of: "://")?.upperBound ?? base.startIndex
        var result = String(base)
        // The last '@': a password may hold a stray '@'; one later in the URL only hides more.
        if let at = base[start...].lastIndex(of: "@"), let colon = base[start..<at].firstIndex(of: ":") {
            result = base[...colon] + "***" + base[at...]
        }
        guard let query else { return result }
        let parameters = text[text.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false)
        return result + "?"
            + parameters.map { parameter in
                guard let equals = parameter.firstIndex(of: "="), parameter[..<equals] != "sslmode" else {
                    return String(parameter)
                }
                return parameter[...equals] + "***"
            }.joined(separator: "&")
    }

    /// `message` with every occurrence of this URL's password (as written and decoded) as
    /// `***`: for errors from lower layers that might quote it.
    public func scrubbed(_ message: String) -> String {
        guard let components = URLComponents(string: self.text), let password = components.password,
            !password.isEmpty
        else { return message }
        var result = message.replacingOccurrences(of: self.text, with: self.description)
        for form in Set([password, components.percentEncodedPassword ?? password]) where !form.isEmpty {
            result = result.replacingOccurrences(of: form, with: "***")
        }
        return result
    }
}

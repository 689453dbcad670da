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
            throw ATSBridgeError(error.code, "\(Self.scrubbed(error.message, of: text)), not '\(Self.redacted(text))'")
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
        let start = text.range(of: "://")?.upperBound ?? text.startIndex
        // The last '@': a password may hold a stray '@' or '?'; one later in the URL only hides
        // more. The query starts after it, never inside the password.
        let at = text[start...].lastIndex(of: "@")
        var result = String(text[..<(at ?? start)])
        if let at, let colon = text[start..<at].firstIndex(of: ":") {
            result = text[...colon] + "***"
        }
        let rest = text[(at ?? start)...]
        guard let query = rest.firstIndex(of: "?") else { return result + rest }
        let parameters = rest[rest.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false)
        return result + rest[...query]
            + parameters.map { parameter in
                guard let equals = parameter.firstIndex(of: "="), parameter[..<equals] != "sslmode" else {
                    return String(parameter)
                }
                return parameter[...equals] + "***"
            }.joined(separator: "&")
    }

    /// A parser's `message` about `text` without any piece of what may be its password: a
    /// password holding '?' or '&' is read as the start of the query, and the parser quotes the
    /// parameter names it finds there.
    static func scrubbed(_ message: String, of text: String) -> String {
        let start = text.range(of: "://")?.upperBound ?? text.startIndex
        guard let at = text[start...].lastIndex(of: "@"), let colon = text[start..<at].firstIndex(of: ":") else {
            return message
        }
        let pieces = text[text.index(after: colon)..<at].split { "?&=#/".contains($0) }
        return pieces.filter { $0.count >= 3 }.sorted { $0.count > $1.count }.reduce(message) {
            $0.replacingOccurrences(of: $1, with: "***")
        }
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

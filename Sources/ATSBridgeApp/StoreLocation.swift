public import ATSBridgeCore

/// Where the store lives: an SQLite file (one server) or a PostgreSQL database (one or several
/// servers, docs/scale-out.md).
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    /// An SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL database.
    case postgres(PostgresURL)

    /// Parses `sqlite:PATH` (or `sqlite://PATH`) and `postgres://…` (or `postgresql://…`).
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID`; the text it quotes never holds a
    ///   password.
    public init(parsing text: String) throws {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try PostgresURL(parsing: text))
            return
        }
        for prefix in ["sqlite://", "sqlite:"] where text.hasPrefix(prefix) {
            let path = String(text.dropFirst(prefix.count))
            guard !path.isEmpty else { break }
            self = .sqlite(path: path)
            return
        }
        throw ATSBridgeError(
            .inputInvalid,
            "store must be sqlite:PATH or postgres://USER:PASSWORD@HOST[:PORT]/DATABASE, not "
                + "'\(PostgresURL.redacted(text))'"
        )
    }

    /// `sqlite:PATH`, or the PostgreSQL URL with its password as `***`.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url.description
        }
    }
}

/// What a caller may do. Levels are ordered: each includes the ones below it.
public enum AccessLevel: Int, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// No key needed (health checks).
    case none = 0
    /// Read an integration's data.
    case read = 1
    /// Read, and send write commands.
    case write = 2
    /// Everything, including managing integrations.
    case admin = 3

    /// Whether `lhs` allows less than `rhs`.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The level's name: `none`, `read`, `write` or `admin`.
    public var description: String {
        switch self {
        case .none: "none"
        case .read: "read"
        case .write: "write"
        case .admin: "admin"
        }
    }

    /// Parses a level name.
    public init?(name: String) {
        switch name.lowercased() {
        case "read": self = .read
        case "write": self = .write
        case "admin": self = .admin
        default: return nil
        }
    }
}

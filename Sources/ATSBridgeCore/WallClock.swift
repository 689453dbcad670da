private import Foundation

/// The wall clock, in the schema's unit: milliseconds since the Unix epoch, UTC.
public enum WallClock {
    /// Now, in milliseconds since the Unix epoch.
    public static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}

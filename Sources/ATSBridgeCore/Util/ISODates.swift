import ATSBridgeProto

/// Times as ATSBridge reads and writes them as text: RFC 3339 (ISO 8601) everywhere a time is
/// read (CLI flags, configuration, RECRU's answers), and `YYYY-MM-DDTHH:MM:SSZ` where RECRU is
/// sent one (docs/recru-jsonrpc.md). Shared by the sandbox, the adapter and the CLI.
public enum ISODates {
    /// What ``parse(_:)`` accepts, with examples, for error messages.
    public static let acceptedFormat =
        "an RFC 3339 time such as 2026-11-30T03:36:26Z, 2026-11-30T03:36:26.889Z or 2026-11-30T04:36:26+01:00 "
        + "(a date 2026-11-30 means its midnight UTC)"

    /// `YYYY-MM-DDTHH:MM:SSZ` for ms since epoch.
    public static func format(_ milliseconds: Int64) -> String {
        var out: [UInt8] = []
        ISOTimestamp.append(milliseconds, fractionalSeconds: false, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses an RFC 3339 time into ms since epoch: fractions of a second, `Z` or a `±HH:MM`
    /// offset (none means UTC), `T` or a space between date and time (RECRU's PHP style
    /// `YYYY-MM-DD HH:MM:SS`), seconds optional; also a date alone, `YYYY-MM-DD` (midnight UTC).
    /// Returns nil for anything else, including impossible dates.
    public static func parse(_ text: String) -> Int64? {
        ISOTimestamp.parse(text)
    }
}

import ATSBridgeProto

/// RECRU's dates as we model them (docs/recru-jsonrpc.md): ISO 8601 UTC
/// (`2026-11-29T10:00:00Z`), date-only `YYYY-MM-DD`, and the PHP style `YYYY-MM-DD HH:MM:SS`
/// (read as UTC). Shared by the sandbox, which writes them, and the adapter, which reads them.
public enum ISODates {
    /// `YYYY-MM-DDTHH:MM:SSZ` for ms since epoch.
    public static func format(_ milliseconds: Int64) -> String {
        var out: [UInt8] = []
        ISOTimestamp.append(milliseconds, fractionalSeconds: false, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DD HH:MM:SS` (UTC) into ms since
    /// epoch; nil for anything else.
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard bytes.count == 10 || bytes.count == 19 || bytes.count == 20, let year = number(0..<4), bytes[4] == 45,
            let month = number(5..<7), bytes[7] == 45, let day = number(8..<10),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = ISOTimestamp.days(fromCivil: year, month, day) * 86_400
        if bytes.count >= 19 {
            // `T…Z` (ISO 8601) or ` …` (PHP style, no zone: read as UTC).
            guard bytes[10] == (bytes.count == 20 ? 84 : 32), bytes[13] == 58, bytes[16] == 58,
                bytes.count == 19 || bytes[19] == 90,
                let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
                hour < 24, minute < 60, second < 60
            else { return nil }
            seconds += hour * 3600 + minute * 60 + second
        }
        return seconds * 1000
    }
}

/// RECRU's dates as we model them (docs/recru-jsonrpc.md): ISO 8601 UTC
/// (`2026-11-29T10:00:00Z`), date-only `YYYY-MM-DD`, and the PHP style `YYYY-MM-DD HH:MM:SS`
/// (read as UTC). Shared by the sandbox, which writes them, and the adapter, which reads them.
public enum ISODates {
    /// `YYYY-MM-DDTHH:MM:SSZ` for ms since epoch.
    public static func format(_ milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = self.civil(fromDays: days)
        return "\(self.pad(year, 4))-\(self.pad(month, 2))-\(self.pad(day, 2))T"
            + "\(self.pad(secondOfDay / 3600, 2)):\(self.pad(secondOfDay / 60 % 60, 2)):\(self.pad(secondOfDay % 60, 2))Z"
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
        var seconds = self.days(fromCivil: year, month, day) * 86_400
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

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    // Howard Hinnant's civil-from-days and days-from-civil algorithms.
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

extension ISOTimestamp {
    /// Parses an ISO-8601 date or time into milliseconds since the epoch: `YYYY-MM-DD`, or
    /// `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z`, `±HH:MM`, `±HHMM` or nothing (UTC):
    /// every RFC 3339 time. A space may stand for the `T`, and `t` and `z` may be lower-case
    /// (RFC 3339 allows both). Digits of the fraction past milliseconds are dropped.
    /// Returns nil for anything else, including impossible dates such as February 30.
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var position = 0
        func number(_ count: Int) -> Int64? {
            guard position + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[position..<position + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            position += count
            return value
        }
        func expect(_ ascii: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == ascii else { return false }
            position += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
            (1...12).contains(month), day >= 1, day <= self.daysIn(month: month, year: year)
        else { return nil }
        var milliseconds = self.days(fromCivil: year, month, day) * 86_400_000
        guard position < bytes.count else { return milliseconds }
        guard expect(84) || expect(116) || expect(32), let hour = number(2), expect(58), let minute = number(2),
            hour < 24,
            minute < 60
        else { return nil }
        var second: Int64 = 0
        var fraction: Int64 = 0
        if expect(58) {
            guard let value = number(2), value < 60 else { return nil }
            second = value
            if expect(46) {
                var digits = 0
                while position < bytes.count, (48...57).contains(bytes[position]) {
                    if digits < 3 { fraction = fraction * 10 + Int64(bytes[position] - 48) }
                    digits += 1
                    position += 1
                }
                guard digits > 0 else { return nil }
                for _ in digits..<max(digits, 3) { fraction *= 10 }
            }
        }
        milliseconds += (hour * 3600 + minute * 60 + second) * 1000 + fraction
        if position == bytes.count || ((expect(90) || expect(122)) && position == bytes.count) { return milliseconds }
        guard position < bytes.count, bytes[position] == 43 || bytes[position] == 45 else { return nil }
        let sign: Int64 = bytes[position] == 43 ? 1 : -1
        position += 1
        guard let offsetHours = number(2), offsetHours < 24 else { return nil }
        _ = expect(58)
        guard let offsetMinutes = number(2), offsetMinutes < 60, position == bytes.count else { return nil }
        return milliseconds - sign * (offsetHours * 60 + offsetMinutes) * 60_000
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil, the inverse of
    /// ``civil(fromDays:)``).
    public static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

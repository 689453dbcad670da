/// Appends JSON for generated messages straight into bytes (the NDJSON export's hot path).
public struct ProtoJSONWriter: Sendable {
    /// The JSON written so far.
    public internal(set) var bytes: [UInt8] = []
    var needsComma = false

    /// Creates an empty writer.
    public init() {
        self.bytes.reserveCapacity(1024)
    }

    /// Forgets what was written, keeping the buffer's capacity.
    public mutating func reset() {
        self.bytes.removeAll(keepingCapacity: true)
        self.needsComma = false
    }

    /// Starts an object.
    public mutating func beginObject() {
        self.separate()
        self.bytes.append(UInt8(ascii: "{"))
        self.needsComma = false
    }

    /// Ends an object.
    public mutating func endObject() {
        self.bytes.append(UInt8(ascii: "}"))
        self.needsComma = true
    }

    /// Writes a key; the value follows.
    public mutating func key(_ name: StaticString) {
        self.separate()
        self.bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { self.bytes.append(contentsOf: $0) }
        self.bytes.append(UInt8(ascii: "\""))
        self.bytes.append(UInt8(ascii: ":"))
        self.needsComma = false
    }

    // MARK: Values

    /// `null`.
    public mutating func null() {
        self.separate()
        ("null" as StaticString).withUTF8Buffer { self.bytes.append(contentsOf: $0) }
        self.needsComma = true
    }

    /// A string.
    public mutating func value(_ string: String) {
        self.separate()
        self.appendString(string)
        self.needsComma = true
    }

    /// A boolean.
    public mutating func value(_ bool: Bool) { self.raw(bool ? "true" : "false") }

    /// An integer.
    public mutating func value<I: BinaryInteger>(_ int: I) { self.raw(String(int)) }

    /// A floating-point number (`null` when not finite).
    public mutating func value(_ double: Double) {
        guard double.isFinite else { return self.null() }
        self.raw(double == double.rounded() && abs(double) < 1e15 ? String(Int64(double)) : String(double))
    }

    /// A float.
    public mutating func value(_ float: Float) { self.value(Double(float)) }

    /// An enum by its unified name, or its wire number when unknown.
    public mutating func value<E: ProtoEnum>(_ value: E) {
        if let name = value.name { self.value(name) } else { self.value(value.rawValue) }
    }

    /// A nested message.
    public mutating func value<M: JSONWritable>(_ message: M) {
        message.writeJSON(to: &self)
        self.needsComma = true
    }

    /// Milliseconds since the epoch as an ISO-8601 UTC time with milliseconds.
    public mutating func timestamp(_ milliseconds: Int64) {
        self.separate()
        ISOTimestamp.append(milliseconds, quoted: true, to: &self.bytes)
        self.needsComma = true
    }

    /// Bytes holding JSON (`remote_data`), written without whitespace between tokens; `null`
    /// when they are not one valid JSON object or array, so the output stays valid JSON.
    public mutating func rawJSON(_ json: [UInt8]) {
        json.withUnsafeBytes { self.wireRawJSON($0) }
    }

    /// Other bytes, as base64.
    public mutating func base64(_ data: [UInt8]) {
        self.separate()
        self.bytes.append(UInt8(ascii: "\""))
        Base64.append(data, to: &self.bytes)
        self.bytes.append(UInt8(ascii: "\""))
        self.needsComma = true
    }

    /// An array, each element written by `element`.
    public mutating func array<T>(_ values: [T], _ element: (inout ProtoJSONWriter, T) -> Void) {
        self.separate()
        self.bytes.append(UInt8(ascii: "["))
        self.needsComma = false
        for value in values { element(&self, value) }
        self.bytes.append(UInt8(ascii: "]"))
        self.needsComma = true
    }

    // MARK: Internals

    private mutating func raw(_ text: String) {
        self.separate()
        self.bytes.append(contentsOf: text.utf8)
        self.needsComma = true
    }

    private mutating func separate() {
        if self.needsComma { self.bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            self.appendQuoted(raw, escaping: raw.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C })
        }
    }
}

/// ISO-8601 UTC times from epoch milliseconds, without Foundation: `2026-11-29T12:29:55.197Z`,
/// or without the fraction. Shared by the JSON output and RECRU date handling.
public enum ISOTimestamp {
    /// Appends the time; `fractionalSeconds` adds `.mmm`.
    public static func append(_ milliseconds: Int64, fractionalSeconds: Bool = true, to out: inout [UInt8]) {
        self.append(milliseconds, fractionalSeconds: fractionalSeconds, quoted: false, to: &out)
    }

    /// Appends the time, in double quotes when `quoted` (a JSON string).
    static func append(_ milliseconds: Int64, fractionalSeconds: Bool = true, quoted: Bool, to out: inout [UInt8]) {
        // Written into stack scratch and appended once: an append per digit costs a uniqueness
        // and capacity check each (NDJSON writes several times per record).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 66) { scratch in
            let base = scratch.baseAddress!
            base[0] = UInt8(ascii: "\"")
            var end = 1 + self.write(milliseconds, fractionalSeconds: fractionalSeconds, into: base + 1)
            if quoted {
                base[end] = UInt8(ascii: "\"")
                end += 1
            }
            let start = quoted ? 0 : 1
            out.append(contentsOf: UnsafeBufferPointer(start: base + start, count: end - start))
        }
    }

    /// Writes the time at `out` (room for 64 bytes) and returns the number of bytes written.
    private static func write(_ milliseconds: Int64, fractionalSeconds: Bool, into out: UnsafeMutablePointer<UInt8>)
        -> Int
    {
        // Floor division without overflow, also for Int64.min.
        let seconds = milliseconds / 1000 - (milliseconds % 1000 < 0 ? 1 : 0)
        let millis = (milliseconds % 1000 + 1000) % 1000
        let days = seconds / 86_400 - (seconds % 86_400 < 0 ? 1 : 0)
        let second = (seconds % 86_400 + 86_400) % 86_400
        let (y, m, d) = self.civil(fromDays: days)
        var count = 0
        func put(_ byte: UInt8) {
            out[count] = byte
            count += 1
        }
        func digits(_ value: Int64, _ width: Int) {
            guard value >= 0, value < 10_000 else {
                // Rare (years before 0 or after 9999): the general path, at most 20 characters.
                let text = Array(String(value).utf8)
                for _ in text.count..<max(width, text.count) { put(UInt8(ascii: "0")) }
                for byte in text { put(byte) }
                return
            }
            // Zero-padded to `width` digits, without a String per group.
            var divisor: Int64 = 1
            for _ in 1..<max(width, value >= 1000 ? 4 : value >= 100 ? 3 : value >= 10 ? 2 : 1) { divisor *= 10 }
            while divisor > 0 {
                put(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(y, 4)
        put(UInt8(ascii: "-"))
        digits(m, 2)
        put(UInt8(ascii: "-"))
        digits(d, 2)
        put(UInt8(ascii: "T"))
        digits(second / 3600, 2)
        put(UInt8(ascii: ":"))
        digits(second % 3600 / 60, 2)
        put(UInt8(ascii: ":"))
        digits(second % 60, 2)
        if fractionalSeconds {
            put(UInt8(ascii: "."))
            digits(millis, 3)
        }
        put(UInt8(ascii: "Z"))
        return count
    }

    /// Year, month and day of a day number since 1970-01-01 (Howard Hinnant's civil_from_days).
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
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
}

/// Standard base64 with padding.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func append(_ data: [UInt8], to out: inout [UInt8]) {
        data.withUnsafeBytes { self.append($0, to: &out) }
    }

    static func append(_ data: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        var index = 0
        while index + 3 <= data.count {
            let n = Int(data[index]) << 16 | Int(data[index + 1]) << 8 | Int(data[index + 2])
            out.append(contentsOf: [
                self.alphabet[n >> 18 & 63], self.alphabet[n >> 12 & 63], self.alphabet[n >> 6 & 63],
                self.alphabet[n & 63],
            ])
            index += 3
        }
        let rest = data.count - index
        if rest == 1 {
            let n = Int(data[index]) << 16
            out.append(contentsOf: [self.alphabet[n >> 18 & 63], self.alphabet[n >> 12 & 63], 61, 61])
        } else if rest == 2 {
            let n = Int(data[index]) << 16 | Int(data[index + 1]) << 8
            out.append(contentsOf: [
                self.alphabet[n >> 18 & 63], self.alphabet[n >> 12 & 63], self.alphabet[n >> 6 & 63], 61,
            ])
        }
    }
}

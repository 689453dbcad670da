/// `remote_data` holds JSON that ATSBridge writes into NDJSON and CSV verbatim. The bytes come
/// from the wire, so they are checked first: only one whole JSON object or array is copied,
/// without the whitespace between tokens (a raw newline would split an NDJSON line).
enum RawJSON {
    /// Deeper nesting is treated as invalid (JSON parsers stop around 512).
    private static let maxDepth = 256

    /// Appends `json` compacted and returns true when it is one JSON object or array; otherwise
    /// appends nothing and returns false.
    static func appendCompact(_ json: UnsafeRawBufferPointer, to out: inout [UInt8]) -> Bool {
        let mark = out.count
        var parser = Parser(bytes: json)
        parser.skipSpace()
        guard let first = parser.peek, first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return false }
        if parser.value(depth: 0, to: &out) {
            parser.skipSpace()
            if parser.peek == nil { return true }
        }
        out.removeSubrange(mark...)
        return false
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var peek: UInt8? { self.index < self.bytes.count ? self.bytes[self.index] : nil }

        mutating func skipSpace() {
            while let byte = self.peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                self.index += 1
            }
        }

        mutating func value(depth: Int, to out: inout [UInt8]) -> Bool {
            self.skipSpace()
            guard let byte = self.peek else { return false }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < RawJSON.maxDepth else { return false }
                let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                self.index += 1
                out.append(byte)
                self.skipSpace()
                if self.peek == close {
                    self.index += 1
                    out.append(close)
                    return true
                }
                while true {
                    if close == UInt8(ascii: "}") {
                        self.skipSpace()
                        guard self.peek == UInt8(ascii: "\""), self.string(to: &out) else { return false }
                        self.skipSpace()
                        guard self.peek == UInt8(ascii: ":") else { return false }
                        self.index += 1
                        out.append(UInt8(ascii: ":"))
                    }
                    guard self.value(depth: depth + 1, to: &out) else { return false }
                    self.skipSpace()
                    guard let next = self.peek else { return false }
                    self.index += 1
                    out.append(next)
                    if next == close { return true }
                    guard next == UInt8(ascii: ",") else { return false }
                }
            case UInt8(ascii: "\""):
                return self.string(to: &out)
            case UInt8(ascii: "t"): return self.literal("true", to: &out)
            case UInt8(ascii: "f"): return self.literal("false", to: &out)
            case UInt8(ascii: "n"): return self.literal("null", to: &out)
            default:
                return self.number(to: &out)
            }
        }

        mutating func literal(_ word: StaticString, to out: inout [UInt8]) -> Bool {
            let count = word.utf8CodeUnitCount
            guard self.bytes.count - self.index >= count else { return false }
            for offset in 0..<count where self.bytes[self.index + offset] != word.utf8Start[offset] { return false }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: self.bytes[self.index..<self.index + count]))
            self.index += count
            return true
        }

        /// A string: UTF-8, no raw control characters, valid escapes.
        mutating func string(to out: inout [UInt8]) -> Bool {
            guard let base = self.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
            let start = self.index
            let count = self.bytes.count
            var index = start + 1
            while index < count {
                let byte = base[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: self.bytes[start..<index]))
                    self.index = index
                    return true
                }
                if byte < 0x20 { return false }
                if byte >= 0x80 {
                    guard let length = UTF8Scan.sequenceLength(base, at: index, count: count) else { return false }
                    index += length
                } else if byte == UInt8(ascii: "\\") {
                    self.index = index + 1
                    guard self.escape() else { return false }
                    index = self.index
                } else {
                    index += 1
                }
            }
            return false
        }

        /// The rest of an escape after its backslash.
        mutating func escape() -> Bool {
            guard let escaped = self.peek else { return false }
            self.index += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                return true
            case UInt8(ascii: "u"):
                // Surrogates only in pairs: parsers reject a lone one.
                guard let unit = self.hex4(), !(0xDC00...0xDFFF).contains(unit) else { return false }
                guard (0xD800...0xDBFF).contains(unit) else { return true }
                guard self.peek == UInt8(ascii: "\\") else { return false }
                self.index += 1
                guard self.peek == UInt8(ascii: "u") else { return false }
                self.index += 1
                guard let low = self.hex4(), (0xDC00...0xDFFF).contains(low) else { return false }
                return true
            default:
                return false
            }
        }

        /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`
        mutating func number(to out: inout [UInt8]) -> Bool {
            let start = self.index
            if self.peek == UInt8(ascii: "-") { self.index += 1 }
            guard let lead = self.peek, Self.isDigit(lead) else { return false }
            self.index += 1
            if lead != UInt8(ascii: "0") { self.digits() }
            if self.peek == UInt8(ascii: ".") {
                self.index += 1
                guard self.digits() else { return false }
            }
            if self.peek == UInt8(ascii: "e") || self.peek == UInt8(ascii: "E") {
                self.index += 1
                if self.peek == UInt8(ascii: "+") || self.peek == UInt8(ascii: "-") { self.index += 1 }
                guard self.digits() else { return false }
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]))
            return true
        }

        @discardableResult
        mutating func digits() -> Bool {
            let start = self.index
            while let byte = self.peek, Self.isDigit(byte) { self.index += 1 }
            return self.index > start
        }

        static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

        /// Four hex digits after `\\u`.
        mutating func hex4() -> UInt32? {
            var unit: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = self.peek else { return nil }
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: return nil
                }
                unit = unit << 4 | UInt32(digit)
                self.index += 1
            }
            return unit
        }
    }
}

/// `remote_data` holds JSON that ATSBridge writes into NDJSON and CSV verbatim. The bytes come
/// from the wire, so they are checked first: only one whole JSON object or array is copied,
/// without the whitespace between tokens (a raw newline would split an NDJSON line).
enum RawJSON {
    /// Deeper nesting is treated as invalid (JSON parsers stop around 512).
    private static let maxDepth = 256

    /// Appends `json` compacted and returns true when it is one JSON object or array; otherwise
    /// appends nothing and returns false.
    static func appendCompact(_ json: UnsafeRawBufferPointer, to out: inout [UInt8]) -> Bool {
        var parser = Parser(bytes: json)
        parser.skipSpace()
        guard let first = parser.peek, first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return false }
        guard parser.value(depth: 0) else { return false }
        parser.skipSpace()
        guard parser.peek == nil else { return false }
        // What ATSBridge stores is already compact: one copy. Otherwise drop the whitespace
        // between tokens (the bytes are known to be valid JSON now).
        guard parser.sawSpace else {
            out.append(contentsOf: json)
            return true
        }
        self.appendWithoutSpace(json, to: &out)
        return true
    }

    /// Appends valid JSON without the whitespace outside its strings.
    private static func appendWithoutSpace(_ json: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        var strings = JSONStringTracker()
        var run = 0
        for index in 0..<json.count {
            let byte = json[index]
            if !strings.isInString(byte), Parser.isSpace(byte) {
                if run < index { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: json[run..<index])) }
                run = index + 1
            }
        }
        if run < json.count { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: json[run...])) }
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var index = 0
        /// Whether any whitespace was skipped.
        var sawSpace = false

        var peek: UInt8? { self.index < self.bytes.count ? self.bytes[self.index] : nil }

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

        mutating func skipSpace() {
            let start = self.index
            while let byte = self.peek, Self.isSpace(byte) { self.index += 1 }
            if self.index > start { self.sawSpace = true }
        }

        mutating func value(depth: Int) -> Bool {
            self.skipSpace()
            guard let byte = self.peek else { return false }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < RawJSON.maxDepth else { return false }
                let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                self.index += 1
                self.skipSpace()
                if self.peek == close {
                    self.index += 1
                    return true
                }
                while true {
                    if close == UInt8(ascii: "}") {
                        self.skipSpace()
                        guard self.peek == UInt8(ascii: "\""), self.string() else { return false }
                        self.skipSpace()
                        guard self.peek == UInt8(ascii: ":") else { return false }
                        self.index += 1
                    }
                    guard self.value(depth: depth + 1) else { return false }
                    self.skipSpace()
                    guard let next = self.peek else { return false }
                    self.index += 1
                    if next == close { return true }
                    guard next == UInt8(ascii: ",") else { return false }
                }
            case UInt8(ascii: "\""):
                return self.string()
            case UInt8(ascii: "t"): return self.literal("true")
            case UInt8(ascii: "f"): return self.literal("false")
            case UInt8(ascii: "n"): return self.literal("null")
            default:
                return self.number()
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard self.bytes.count - self.index >= count else { return false }
            for offset in 0..<count where self.bytes[self.index + offset] != word.utf8Start[offset] { return false }
            self.index += count
            return true
        }

        /// A string: UTF-8, no raw control characters, valid escapes.
        mutating func string() -> Bool {
            guard let base = self.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
            let start = self.index
            let count = self.bytes.count
            var index = start + 1
            while index < count {
                // Runs of plain ASCII eight bytes at a time.
                index = UTF8Scan.plainASCIIEnd(base, from: index, count: count)
                guard index < count else { break }
                let byte = base[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
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
        mutating func number() -> Bool {
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

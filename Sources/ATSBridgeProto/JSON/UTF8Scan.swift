/// One pass over a string field's bytes: valid UTF-8 (as Swift's validating initialisers define
/// it: no overlong forms, surrogates or values past U+10FFFF), NUL-free, and whether JSON needs
/// any of it escaped.
enum UTF8Scan {
    /// What the scan found.
    enum Result {
        case plain, needsEscaping, nul, invalid
    }

    static func scan(_ bytes: UnsafeRawBufferPointer) -> Result {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return .plain }
        let count = bytes.count
        var escaping = false
        var index = 0
        while index < count {
            index = self.plainASCIIEnd(base, from: index, count: count)
            guard index < count else { break }
            let byte = base[index]
            if byte < 0x80 {
                if byte < 0x20 || byte == 0x22 || byte == 0x5C {
                    if byte == 0 { return .nul }
                    escaping = true
                }
                index += 1
                continue
            }
            guard let length = self.sequenceLength(base, at: index, count: count) else { return .invalid }
            index += length
        }
        return escaping ? .needsEscaping : .plain
    }

    /// The index at or after `index` where a run of plain ASCII (no control character, quote
    /// or backslash) may end: whole runs of eight such bytes are skipped a word at a time, and
    /// the byte at the result is then checked one at a time by the caller.
    @inline(__always)
    static func plainASCIIEnd(_ base: UnsafePointer<UInt8>, from index: Int, count: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        var index = index
        while count - index >= 8 {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let special =
                ((word &- ones &* 0x20) & ~word) | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
            guard (word | special) & high == 0 else { break }
            index += 8
        }
        return index
    }

    /// The length of the well-formed multi-byte sequence at `index` (its first byte is at least
    /// 0x80), nil when it is not one: the ranges of the Unicode standard's table 3-7.
    static func sequenceLength(_ base: UnsafePointer<UInt8>, at index: Int, count: Int) -> Int? {
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch base[index] {
        case 0xC2...0xDF: length = 2
        case 0xE0: (length, low) = (3, 0xA0)
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: (length, high) = (3, 0x9F)
        case 0xF0: (length, low) = (4, 0x90)
        case 0xF1...0xF3: length = 4
        case 0xF4: (length, high) = (4, 0x8F)
        default: return nil
        }
        guard count - index >= length else { return nil }
        let second = base[index + 1]
        guard second >= low, second <= high else { return nil }
        for offset in 2..<max(2, length) where base[index + offset] & 0xC0 != 0x80 { return nil }
        return length
    }
}

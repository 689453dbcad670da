extension RecordRow {
    /// The case-insensitive key of a text: exactly `text.lowercased()`, which the stores use for
    /// names, emails and search keys on both the write and the query side.
    ///
    /// The standard library lowercases a text with any non-ASCII character one scalar at a
    /// time, making a `String` for each (a fifth of the cost of preparing a candidate's row for
    /// a name such as "Nováková"). This copies the scalars a lowercase mapping leaves alone,
    /// ASCII ones included, and asks for the mapping only of those it changes.
    public static func lowercaseKey(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text.lowercased() }
        // Lower-casing makes a scalar's UTF-8 at most half as long again (U+0130, two bytes,
        // becomes three; a test checks every scalar), so twice the length is room enough.
        return String(unsafeUninitializedCapacity: text.utf8.count * 2) { buffer in
            var count = 0
            for scalar in text.unicodeScalars {
                if scalar.isASCII {
                    let value = UInt8(truncatingIfNeeded: scalar.value)
                    buffer[count] = value &- 65 < 26 ? value | 0x20 : value
                    count += 1
                } else if scalar.properties.changesWhenLowercased {
                    for byte in scalar.properties.lowercaseMapping.utf8 {
                        buffer[count] = byte
                        count += 1
                    }
                } else {
                    UTF8.encode(scalar) { byte in
                        buffer[count] = byte
                        count += 1
                    }
                }
            }
            return count
        }
    }
}

/// Follows valid JSON byte by byte and tells which bytes belong to a string (its quotes and
/// escapes included), for writers that change only what lies between values.
package struct JSONStringTracker: Sendable {
    private var inString = false
    private var escaped = false

    /// Starts outside any string.
    package init() {}

    /// Notes `byte`; returns whether it is part of a string, to be copied as it is.
    package mutating func isInString(_ byte: UInt8) -> Bool {
        if self.inString {
            if self.escaped {
                self.escaped = false
            } else if byte == UInt8(ascii: "\\") {
                self.escaped = true
            } else if byte == UInt8(ascii: "\"") {
                self.inString = false
            }
            return true
        }
        if byte == UInt8(ascii: "\"") {
            self.inString = true
            return true
        }
        return false
    }
}

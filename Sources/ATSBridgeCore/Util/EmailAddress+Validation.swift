/// The unified API's email address rule, shared by the mapping (which drops invalid addresses)
/// and the write commands (which reject them).
///
/// It is the pattern `^(?!\.)(?!.*\.\.)([\w'+\-.]*)[\w+\-]@([\da-z][\da-z\-]*\.)+[a-z]{2,}$`
/// (``pattern``), checked by hand: a regular expression costs ~8 µs per address on Linux, a
/// sync checks every email of every jobseeker, and a test holds the two to the same answers.
public enum EmailRule {
    /// The rule as a regular expression, for reference and tests.
    public static let pattern = #"^(?!\.)(?!.*\.\.)([\w'+\-.]*)[\w+\-]@([\da-z][\da-z\-]*\.)+[a-z]{2,}$"#

    /// Whether `email` is a valid address (the domain in lower case, as the unified API expects).
    public static func isValid(_ email: String) -> Bool {
        // Bytes, not Characters: "." followed by a combining mark is one Character.
        let bytes = email.utf8
        guard bytes.count <= 320, bytes.first != UInt8(ascii: "."),
            !zip(bytes, bytes.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") })
        else {
            return false
        }
        let parts = email.split(separator: "@", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0].unicodeScalars
        guard let last = local.last, self.isWord(last) || last == "+" || last == "-" else { return false }
        guard local.allSatisfy({ self.isWord($0) || $0 == "'" || $0 == "+" || $0 == "-" || $0 == "." }) else {
            return false
        }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last, tld.utf8.count >= 2,
            tld.utf8.allSatisfy({ (97...122).contains($0) })
        else { return false }
        for label in labels.dropLast() {
            guard let first = label.utf8.first, self.isDigitOrLower(first),
                label.utf8.allSatisfy({ self.isDigitOrLower($0) || $0 == UInt8(ascii: "-") })
            else { return false }
        }
        return true
    }

    private static func isDigitOrLower(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (97...122).contains(byte)
    }

    /// ICU's `\w`: letters, marks, decimal digits, connector punctuation (and joiners).
    private static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (48...57).contains(value) || (65...90).contains(value) || (97...122).contains(value) || value == 95
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation:
            return true
        default:
            return properties.isAlphabetic || scalar.value == 0x200C || scalar.value == 0x200D
        }
    }
}

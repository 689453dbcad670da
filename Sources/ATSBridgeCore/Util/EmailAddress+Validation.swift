import Foundation

/// The unified API's email address rule, shared by the mapping (which drops invalid addresses)
/// and the write commands (which reject them).
public enum EmailRule {
    private static let pattern = #"^(?!\.)(?!.*\.\.)([\w'+\-.]*)[\w+\-]@([\da-z][\da-z\-]*\.)+[a-z]{2,}$"#

    /// Whether `email` is a valid address (the domain in lower case, as the unified API expects).
    public static func isValid(_ email: String) -> Bool {
        email.count <= 320 && email.range(of: self.pattern, options: .regularExpression) != nil
    }
}

extension RECRUMapper {
    /// The unified API's type of an email address or phone number (`PERSONAL`, `WORK` or
    /// `OTHER`) for RECRU's own type; nil when RECRU gives none. The raw value is kept beside it.
    static func contactType(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        switch raw.lowercased() {
        case "private", "personal", "home", "mobile", "cell": return "PERSONAL"
        case "work", "business", "office", "company": return "WORK"
        default: return "OTHER"
        }
    }
}

public import ATSBridgeCore
public import ATSBridgeProto

/// The unified API's rule for filters on fields the remote ATS does not provide (those its
/// coverage lists as unsupported): such a filter matches nothing, unless the caller sets
/// `ignore_unsupported_filters`, which drops it instead.
public struct UnsupportedFilters: Sendable {
    /// `Model/field` of every unsupported field.
    private let unsupported: Set<String>

    /// The rule for a remote ATS with `coverage`; `nil` treats every field as provided.
    public init(coverage: IntegrationCoverage?) {
        var unsupported: Set<String> = []
        for model in coverage?.models ?? [] {
            guard let kind = model.model else { continue }
            for field in model.fields where field.status == .unsupported {
                if let name = field.name { unsupported.insert(Self.key(kind, name)) }
            }
        }
        self.unsupported = unsupported
    }

    /// Whether a list of `model` filtered on `fields` (fields the store does not hold, because
    /// the remote ATS does not provide them) matches nothing.
    ///
    /// - Throws: UNIMPLEMENTED for a filter on a field the remote ATS provides but the store
    ///   cannot filter on.
    public func matchesNothing(_ model: Model, fields: [String], ignore: Bool) throws(ATSBridgeError) -> Bool {
        var matchesNothing = false
        for field in fields {
            guard self.unsupported.contains(Self.key(model, field)) else {
                throw ATSBridgeError(.unimplemented, "filtering on \(field) is not available for this integration")
            }
            if !ignore { matchesNothing = true }
        }
        return matchesNothing
    }

    private static func key(_ model: Model, _ field: String) -> String {
        "\(model.rawValue)/\(field)"
    }
}

import ATSBridgeCore
import ATSBridgeProto

/// Marks a method as audited, and names the ids it acts on besides its integration (a key's
/// name, a candidate's id). Ids only: never personal data.
public struct RPCAudit<Request: Sendable, Response: Sendable>: Sendable {
    /// The ids a call acted on; the response is `nil` when the call failed.
    public var targets: @Sendable (Request, Response?) -> [String]

    /// Audits a method with the ids `targets` picks.
    public init(targets: @escaping @Sendable (Request, Response?) -> [String]) {
        self.targets = targets
    }

    /// Audits a method with no ids besides its integration.
    public static var integrationOnly: Self { Self { _, _ in [] } }
}

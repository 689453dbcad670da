public import ATSBridgeProto

/// The change log read by watch streams: every committed change of an integration, in order,
/// with a monotonic sequence.
public protocol ChangeLogStore: Sendable {
    /// Change events of an integration after `sequence`, in order, at most `limit`.
    func changes(integrationID: String, after sequence: UInt64, limit: Int) async throws -> [ChangeEvent]

    /// The sequence of an integration's latest change event, 0 when it has none.
    func lastChangeSequence(integrationID: String) async throws -> UInt64
}

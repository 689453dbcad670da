public import ATSBridgeProto

/// The integrations (connected RECRU accounts) with their sealed credentials.
public protocol IntegrationStore: Sendable {
    /// Creates or replaces an integration.
    func saveIntegration(_ integration: StoredIntegration) async throws
    /// One integration by id.
    func integration(id: String) async throws -> StoredIntegration?
    /// Every integration.
    func integrations() async throws -> [StoredIntegration]
    /// Reads, changes and writes back an integration in one transaction, so concurrent updates
    /// (an administrator pausing, a sync finishing) do not overwrite each other. Returns the
    /// updated integration, or `nil` when it does not exist.
    func updateIntegration(id: String, _ update: @Sendable @escaping (inout Integration) -> Void) async throws
        -> Integration?
    /// Replaces an integration's sealed credentials and changes it in one transaction (a
    /// credential rotation). Returns the updated integration, or `nil` when it does not exist.
    func updateIntegration(
        id: String,
        credentials: [UInt8],
        _ update: @Sendable @escaping (inout Integration) -> Void
    ) async throws -> Integration?
    /// Re-seals every integration's credentials in one transaction: `reseal` returns the new
    /// sealed bytes of each; if it throws for any, nothing is changed. Returns the ids of the
    /// re-sealed integrations.
    func resealCredentials(_ reseal: @Sendable @escaping (StoredIntegration) throws -> [UInt8]) async throws
        -> [String]
    /// Deletes an integration and all its data; returns how many records were removed.
    func deleteIntegration(id: String) async throws -> Int
}

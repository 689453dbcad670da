import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import Foundation

/// Changing an integration in place: its settings and its RECRU credentials. Its id, and so
/// every record id derived from it, stays the same.
extension AdminService {
    func registerLifecycle(in router: inout RPCRouter) {
        let service = self
        router.unary(
            ATSBridgeProto.AdminService.updateIntegration,
            access: .adminIntegration,
            integration: { $0.integrationID },
            audit: .integrationOnly
        ) { request, _ in
            try await service.updateSettings(request)
        }
        router.unary(
            ATSBridgeProto.AdminService.rotateIntegrationCredentials,
            access: .adminIntegration,
            integration: { $0.integrationID },
            audit: .integrationOnly
        ) { request, context in
            try await service.rotateCredentials(request, deadline: context.deadline)
        }
    }

    private func updateSettings(_ request: UpdateIntegrationRequest) async throws -> Integration {
        if let name = request.name, name.trimmingCharacters(in: .whitespaces).isEmpty || name.utf8.count > 200 {
            throw ATSBridgeError(.inputInvalid, "name must be 1 to 200 bytes")
        }
        // Checked on the merge before the transaction, so a bad value changes nothing.
        let current = try await self.integration(request.integrationID)
        let patch = request.settings
        if let patch { try Self.validate(Self.merged(current.settings, patch)) }
        return try await self.update(request.integrationID) { integration in
            if let name = request.name { integration.name = name }
            if let patch, let merged = try? Self.merged(integration.settings, patch) { integration.settings = merged }
        }
    }

    private func rotateCredentials(
        _ request: RotateIntegrationCredentialsRequest,
        deadline: ContinuousClock.Instant?
    ) async throws -> Integration {
        guard let password = request.password, !password.isEmpty else {
            throw ATSBridgeError(.inputInvalid, "password is required")
        }
        let current = try await self.integration(request.integrationID)
        let login = request.login?.trimmingCharacters(in: .whitespaces) ?? current.login ?? ""
        guard !login.isEmpty else { throw ATSBridgeError(.inputInvalid, "login is required") }
        // The new credentials must log in before they replace working ones.
        try await self.checkCredentials(
            RemoteATSAccount(
                integrationID: current.id,
                tenantURL: current.tenantURL ?? "",
                login: login,
                password: password
            ),
            deadline: deadline
        )
        let sealed = try self.vault.seal(password: password, integrationID: current.id)
        let updated = try await self.store.updateIntegration(id: current.id, credentials: sealed) { integration in
            integration.login = login
            // Credentials RECRU refused made the integration INVALID; new ones that log in end that.
            if integration.status == .invalid {
                integration.status = .active
                integration.statusReason = nil
            }
        }
        guard let updated else { throw ATSBridgeError(.notFound, "no integration with id \(current.id)") }
        return updated
    }

    /// The stored settings with every field present in `patch` replaced: protobuf's merge of
    /// the two encodings, so fields added to the schema later merge the same way.
    static func merged(_ stored: IntegrationSettings?, _ patch: IntegrationSettings) throws -> IntegrationSettings {
        guard let stored else { return patch }
        return try IntegrationSettings(decoding: try stored.encode() + patch.encode(), limits: .default)
    }

    /// Checks settings from a request.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` naming the field.
    static func validate(_ settings: IntegrationSettings) throws(ATSBridgeError) {
        // At most 100 years: schedules add it to times in milliseconds.
        if let interval = settings.syncIntervalMs, !(60_000...3_153_600_000_000).contains(interval) {
            throw ATSBridgeError(
                .inputInvalid,
                "settings.sync_interval_ms must be from 60000 (a minute) to 3153600000000 (100 years)"
            )
        }
        if let source = settings.sourceName, source.isEmpty || source.utf8.count > 200 {
            throw ATSBridgeError(.inputInvalid, "settings.source_name must be 1 to 200 bytes")
        }
        try settings.checkPacing()
    }
}

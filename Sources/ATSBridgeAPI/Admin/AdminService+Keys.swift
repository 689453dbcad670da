import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeSync

/// API keys as managed data, and the audit log. Keys limited to integrations may not call these:
/// a key that made keys could make one wider than itself.
extension AdminService {
    func registerKeys(in router: inout RPCRouter) {
        let service = self
        router.unary(
            ATSBridgeProto.AdminService.createApiKey,
            access: .admin,
            audit: RPCAudit { request, _ in request.name.map { [$0] } ?? [] }
        ) { request, _ in
            try await service.createKey(request)
        }
        router.unary(ATSBridgeProto.AdminService.listApiKeys, access: .admin) { _, _ in
            ApiKeyList(keys: try await service.store.apiKeys().map(ApiKey.init(listing:)))
        }
        router.unary(
            ATSBridgeProto.AdminService.revokeApiKey,
            access: .admin,
            audit: RPCAudit { request, _ in [request.name] }
        ) { request, _ in
            guard let revoked = try await service.store.revokeAPIKey(name: request.name) else {
                throw ATSBridgeError(.notFound, "no API key named '\(request.name)'")
            }
            return RevokeApiKeyResponse(key: ApiKey(listing: revoked))
        }
        router.unary(ATSBridgeProto.AdminService.listAuditEntries, access: .admin) { request, _ in
            let limit = Int(min(1000, max(1, request.limit ?? 100)))
            let entries = try await service.store.auditEntries(
                before: request.beforeSequence,
                integrationID: request.integrationID,
                limit: limit
            )
            return AuditEntryPage(
                entries: entries,
                nextBeforeSequence: entries.count == limit ? entries.last?.sequence : nil
            )
        }
    }

    private func createKey(_ request: CreateApiKeyRequest) async throws -> CreatedApiKey {
        let name = request.name ?? ""
        try APIKey.validate(name: name)
        let access: AccessLevel
        switch request.role {
        case .read: access = .read
        case .write: access = .write
        case .admin: access = .admin
        default: throw ATSBridgeError(.inputInvalid, "role must be READ, WRITE or ADMIN")
        }
        let scope = Set(request.integrationIDs)
        for id in scope where try await self.store.integration(id: id) == nil {
            throw ATSBridgeError(.notFound, "no integration with id \(id)")
        }
        let secret = APIKey.generateSecret()
        var key = APIKey(
            name: name,
            plaintext: secret,
            access: access,
            integrations: scope.isEmpty ? nil : scope,
            origin: .managed
        )
        key.createdAt = self.clock.nowMilliseconds()
        guard try await self.store.insertAPIKey(key) else {
            throw ATSBridgeError(.alreadyExists, "an API key named '\(name)' exists")
        }
        return CreatedApiKey(key: ApiKey(listing: key), secret: secret)
    }
}

extension ApiKey {
    /// A key as listed: name, role, scope, origin and times; never the secret or its hash.
    init(listing key: APIKey) {
        let role: KeyRole =
            switch key.access {
            case .none: .unspecified
            case .read: .read
            case .write: .write
            case .admin: .admin
            }
        self.init(
            name: key.name,
            role: role,
            integrationIDs: key.integrations.map { $0.sorted() } ?? [],
            origin: key.origin == .config ? .config : .managed,
            createdAt: key.createdAt,
            lastUsedAt: key.lastUsedAt
        )
    }
}

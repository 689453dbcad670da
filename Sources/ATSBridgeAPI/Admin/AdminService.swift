public import ATSBridgeCore
import ATSBridgeProto
public import ATSBridgeRPC
public import ATSBridgeSync
import Foundation

/// `atsbridge.v1.Admin`: connecting remote ATS (RECRU) accounts, pausing, resuming and deleting them,
/// syncs and their (paged) history, coverage, API keys and the audit log. Every method needs an
/// admin key; a key limited to integrations manages only those (docs/security.md, "Roles and
/// scopes").
public struct AdminService: Sendable {
    let store: any Store
    let engine: SyncEngine
    let vault: CredentialVault
    let gate: IntegrationReadGate
    let remote: any RemoteATS
    let clock: any SyncClock

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - remote: The remote ATS: checks credentials before they are stored, and tells its
    ///     coverage.
    ///   - clock: Stamps created integrations (the system clock by default).
    public init(
        store: any Store,
        engine: SyncEngine,
        vault: CredentialVault,
        gate: IntegrationReadGate,
        remote: any RemoteATS,
        clock: any SyncClock = SystemSyncClock()
    ) {
        self.clock = clock
        self.store = store
        self.engine = engine
        self.vault = vault
        self.gate = gate
        self.remote = remote
    }

    /// Registers every admin method with its access rule (docs/security.md, "Roles and scopes").
    /// Methods that change something are audited.
    public func register(in router: inout RPCRouter) {
        let service = self
        let byID: @Sendable (IntegrationRequest) -> String = { $0.integrationID }
        let audited = RPCAudit<IntegrationRequest, Integration>.integrationOnly
        router.unary(
            ATSBridgeProto.AdminService.createIntegration,
            access: .admin,
            audit: RPCAudit { _, created in created.map { [$0.id] } ?? [] }
        ) { request, context in
            try await service.create(request, deadline: context.deadline)
        }
        router.unary(ATSBridgeProto.AdminService.listIntegrations, access: .adminFiltered) { request, context in
            let all = try await service.store.integrations().map(\.integration)
            return IntegrationList(
                integrations: all.filter {
                    context.principal.mayAccess(integration: $0.id)
                        && (request.status == nil || $0.status == request.status)
                }
            )
        }
        router.unary(ATSBridgeProto.AdminService.getIntegration, access: .adminIntegration, integration: byID) {
            request,
            _ in
            try await service.integration(request.integrationID)
        }
        router.unary(
            ATSBridgeProto.AdminService.pauseIntegration,
            access: .adminIntegration,
            integration: byID,
            audit: audited
        ) { request, _ in
            // Inactive first, so no new sync starts; then the running one stops.
            let paused = try await service.update(request.integrationID) {
                $0.status = .inactive
                $0.statusReason = "paused by an administrator"
            }
            await service.engine.cancel(integrationID: request.integrationID)
            return paused
        }
        router.unary(
            ATSBridgeProto.AdminService.resumeIntegration,
            access: .adminIntegration,
            integration: byID,
            audit: audited
        ) { request, _ in
            try await service.update(request.integrationID) {
                $0.status = .active
                $0.statusReason = nil
            }
        }
        router.unary(
            ATSBridgeProto.AdminService.deleteIntegration,
            access: .adminIntegration,
            integration: byID,
            audit: .integrationOnly
        ) { request, _ in
            // No new sync may start, and a running one would write records back after the
            // delete: make it inactive, stop the running sync, then delete.
            _ = try await service.update(request.integrationID) { $0.status = .inactive }
            await service.engine.cancel(integrationID: request.integrationID)
            let removed = try await service.store.deleteIntegration(id: request.integrationID)
            service.gate.forget(request.integrationID)
            return DeleteIntegrationResponse(deletedRecords: UInt64(removed))
        }
        router.unary(
            ATSBridgeProto.AdminService.triggerSync,
            access: .adminIntegration,
            integration: { $0.integrationID },
            audit: RPCAudit { _, run in run.map { [$0.id] } ?? [] }
        ) { request, _ in
            let type = request.type == .full || request.type == .delta ? request.type : nil
            return try await service.engine.trigger(integrationID: request.integrationID, type: type)
        }
        router.unary(
            ATSBridgeProto.AdminService.getSyncStatus,
            access: .adminIntegration,
            integration: { $0.integrationID }
        ) { request, _ in
            let integration = try await service.integration(request.integrationID)
            let limit = Int(min(200, max(1, request.limit ?? 20)))
            let runs = try await service.store.syncRuns(integrationID: request.integrationID, limit: limit)
            return SyncStatus(integration: integration, runs: runs)
        }
        router.unary(
            ATSBridgeProto.AdminService.listSyncRuns,
            access: .adminIntegration,
            integration: { $0.integrationID }
        ) { request, _ in
            _ = try await service.integration(request.integrationID)
            let size = Int(min(200, max(1, request.pageSize ?? 20)))
            let cursor = try request.cursor.map(SyncRunCursor.init(parsing:))
            // One more than asked tells whether another page follows.
            let runs = try await service.store.syncRuns(
                integrationID: request.integrationID,
                after: cursor,
                limit: size + 1
            )
            let page = Array(runs.prefix(size))
            return SyncRunPage(
                runs: page,
                nextCursor: runs.count > size ? page.last.map { SyncRunCursor(after: $0).text } : nil
            )
        }
        router.unary(ATSBridgeProto.AdminService.getCoverage, access: .adminIntegration, integration: byID) {
            request,
            _ in
            _ = try await service.integration(request.integrationID)
            return service.remote.coverage
        }
        self.registerLifecycle(in: &router)
        self.registerKeys(in: &router)
    }

    func integration(_ id: String) async throws -> Integration {
        guard let stored = try await self.store.integration(id: id) else {
            throw ATSBridgeError(.notFound, "no integration with id \(id)")
        }
        return stored.integration
    }

    func update(_ id: String, _ change: @Sendable @escaping (inout Integration) -> Void) async throws
        -> Integration
    {
        guard let updated = try await self.store.updateIntegration(id: id, change) else {
            throw ATSBridgeError(.notFound, "no integration with id \(id)")
        }
        return updated
    }

    private func create(_ request: CreateIntegrationRequest, deadline: ContinuousClock.Instant?) async throws
        -> Integration
    {
        let tenantURL = try Self.tenantURL(request.tenantURL)
        guard let login = request.login?.trimmingCharacters(in: .whitespaces), !login.isEmpty else {
            throw ATSBridgeError(.inputInvalid, "login is required")
        }
        guard let password = request.password, !password.isEmpty else {
            throw ATSBridgeError(.inputInvalid, "password is required")
        }
        if let settings = request.settings { try Self.validate(settings) }
        let id = "int_" + RecordID.random()
        try await self.checkCredentials(
            RemoteATSAccount(integrationID: id, tenantURL: tenantURL, login: login, password: password),
            deadline: deadline
        )
        let integration = Integration(
            id: id,
            name: request.name ?? URL(string: tenantURL)?.host,
            tenantURL: tenantURL,
            login: login,
            status: .active,
            setupStatus: .syncPending,
            settings: request.settings,
            createdAt: self.clock.nowMilliseconds()
        )
        try await self.store.saveIntegration(
            StoredIntegration(
                integration: integration,
                encryptedCredentials: try self.vault.seal(password: password, integrationID: id)
            )
        )
        try await self.engine.trigger(integrationID: id, type: .full)
        return integration
    }

    /// The longest the credential check may take; less when the call's deadline is nearer.
    static let validationTimeout: Duration = .seconds(10)

    /// Checks the credentials with a login, within a budget shorter than the call's deadline,
    /// so that an unreachable tenant is answered as such rather than by the call's deadline.
    func checkCredentials(_ account: RemoteATSAccount, deadline: ContinuousClock.Instant?) async throws {
        // A second is left to answer before the client's deadline passes.
        let budget =
            deadline.map {
                min(Self.validationTimeout, max(.milliseconds(200), ContinuousClock.now.duration(to: $0) - .seconds(1)))
            } ?? Self.validationTimeout
        let remote = self.remote
        let unreachable = ATSBridgeError(
            .remoteUnavailable,
            "\(remote.name) cannot be reached at \(account.tenantURL)"
        )
        do {
            let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await remote.validateCredentials(account)
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: budget)
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
            guard answered else { throw unreachable }
        } catch let error as ATSBridgeError where error.code == .remoteUnavailable {
            throw ATSBridgeError(unreachable.code, unreachable.message, cause: error)
        }
    }

    /// The tenant URL without a trailing slash; http(s) with a host.
    static func tenantURL(_ text: String?) throws -> String {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", url.host?.isEmpty == false
        else {
            throw ATSBridgeError(.inputInvalid, "tenant_url must be an http(s) URL such as https://acme.recru.eu")
        }
        // The URL is stored and shown in clear (lists, errors); credentials go in login and
        // password, which are sealed. The message does not quote the URL, which holds them.
        guard url.user == nil, url.password == nil else {
            throw ATSBridgeError(
                .inputInvalid,
                "tenant_url must not hold a user or password; give them as login and password"
            )
        }
        return trimmed.hasSuffix("/") ? String(trimmed.dropLast()) : trimmed
    }
}

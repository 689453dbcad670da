import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeSync

/// Connects the demo integration to the embedded sandbox and runs its first sync.
struct DemoBootstrap {
    let store: any Store
    let vault: CredentialVault
    let engine: SyncEngine
    let options: DemoOptions
    let clock: any SyncClock

    func run(sandboxURL: String) async throws -> DemoReady {
        let id = DemoOptions.integrationID
        // The sandbox listens on a new port each start; its data is kept in the data directory.
        let updated = try await self.store.updateIntegration(id: id) { integration in
            integration.tenantURL = sandboxURL
            if integration.settings?.maxRequestsPerSecond == nil {
                integration.settings = Self.settings(integration.settings)
            }
        }
        if updated == nil {
            var integration = Integration(
                id: id,
                name: "Demo (RECRU sandbox)",
                tenantURL: sandboxURL,
                login: "api@acme.example",
                status: .active,
                setupStatus: .syncPending,
                createdAt: self.clock.nowMilliseconds()
            )
            integration.settings = Self.settings(nil)
            try await self.store.saveIntegration(
                StoredIntegration(
                    integration: integration,
                    encryptedCredentials: try self.vault.seal(password: "sandbox", integrationID: id)
                )
            )
        }
        let run = try await self.engine.waitUntilFinished(try await self.engine.trigger(integrationID: id, type: .full))
        guard run.state == .succeeded else {
            throw ATSBridgeError(
                .unavailable,
                "the demo's first sync did not succeed: \(run.errorCode ?? "") \(run.errorMessage ?? "")"
            )
        }
        var counts: [(model: String, count: Int)] = []
        for model in [Model.job, .candidate, .application, .user, .tag] {
            counts.append((model.name?.lowercased() ?? "?", try await self.count(model, id)))
        }
        return DemoReady(integrationID: id, apiKey: self.options.apiKey, counts: counts, sandboxURL: sandboxURL)
    }

    /// The sandbox runs in this process, on loopback: RECRU's pacing of 10 requests per second
    /// would hold the large preset's first sync (1,514 requests) for two and a half minutes, so
    /// the demo integration may send the most an integration's settings allow.
    static let requestsPerSecond = 1_000.0

    private static func settings(_ settings: IntegrationSettings?) -> IntegrationSettings {
        var settings = settings ?? IntegrationSettings()
        settings.maxRequestsPerSecond = Self.requestsPerSecond
        return settings
    }

    private func count(_ model: Model, _ integrationID: String) async throws -> Int {
        var query = RecordQuery(integrationID: integrationID, model: model, pageSize: 1000)
        var total = 0
        while true {
            let page = try await self.store.page(query)
            total += page.records.count
            guard let next = page.nextCursor else { return total }
            query.cursor = next
        }
    }
}

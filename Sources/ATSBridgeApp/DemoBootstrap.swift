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
        if try await self.store.updateIntegration(id: id, { $0.tenantURL = sandboxURL }) == nil {
            let integration = Integration(
                id: id,
                name: "Demo (RECRU sandbox)",
                tenantURL: sandboxURL,
                login: "api@acme.example",
                status: .active,
                setupStatus: .syncPending,
                createdAt: self.clock.nowMilliseconds()
            )
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

import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import ATSBridgeSync
import ATSBridgeTestSupport
import Foundation
import Logging
import Testing

/// Integrations change in place against the sandbox over real HTTP: settings, RECRU credentials
/// and the credential key change, every record id stays.
@Suite struct IntegrationLifecycleTests {
    @Test func updatingSettingsMergesThemAndKeepsEveryRecordID() async throws {
        try await AccessHarness.with { harness in
            let id = try await harness.connect()
            let before = try await harness.recordIDs(id)
            #expect((before[.candidate]?.count ?? 0) > 0)
            func update(_ request: UpdateIntegrationRequest) async throws -> Integration {
                try await harness.withClient("admin") { try await $0.unary(AdminService.updateIntegration, request) }
            }
            var updated = try await update(
                UpdateIntegrationRequest(
                    integrationID: id,
                    settings: IntegrationSettings(sourceWritingEnabled: true, sourceName: "Jobboard")
                )
            )
            #expect(updated.settings?.syncIntervalMs == 7_200_000, "absent fields keep their value")
            #expect(updated.settings?.sourceName == "Jobboard")
            updated = try await update(
                UpdateIntegrationRequest(
                    integrationID: id,
                    settings: IntegrationSettings(syncOnlyCreatedApplications: false, syncIntervalMs: 3_600_000),
                    name: "Acme s.r.o."
                )
            )
            #expect(updated.name == "Acme s.r.o.")
            #expect(
                updated.settings
                    == IntegrationSettings(
                        syncOnlyCreatedApplications: false,
                        sourceWritingEnabled: true,
                        sourceName: "Jobboard",
                        syncIntervalMs: 3_600_000
                    )
            )
            #expect(updated.id == id)
            // Under a minute, and over 100 years (which overflowed the scheduler's arithmetic).
            for interval: Int64 in [1000, 3_153_600_000_001, .max] {
                let refused = await status {
                    _ = try await update(
                        UpdateIntegrationRequest(
                            integrationID: id,
                            settings: IntegrationSettings(syncIntervalMs: interval)
                        )
                    )
                }
                #expect(refused == .invalidArgument, "\(interval)")
            }
            #expect(try await harness.store.integration(id: id)?.integration.settings?.syncIntervalMs == 3_600_000)
            #expect(try await harness.sync(id).state == .succeeded)
            #expect(try await harness.recordIDs(id) == before)
        }
    }

    /// A tenant URL is stored and listed in clear: one holding a user or password is refused,
    /// and the error does not quote it.
    @Test func aTenantURLHoldingCredentialsIsRefused() async throws {
        try await AccessHarness.with { harness in
            let url = harness.sandboxURL.replacingOccurrences(of: "://", with: "://api:url-secret-42@")
            do {
                _ = try await harness.withClient("admin") { client in
                    try await client.unary(
                        AdminService.createIntegration,
                        CreateIntegrationRequest(
                            tenantURL: url,
                            login: AccessHarness.login,
                            password: AccessHarness.password
                        )
                    )
                }
                Issue.record("a tenant URL with credentials was accepted")
            } catch let error as ATSBridgeError {
                #expect(error.code == .inputInvalid)
                #expect(error.message.contains("must not hold a user or password"))
                #expect(!error.message.contains("url-secret-42"))
            }
            #expect(
                try await harness.store.integrations().allSatisfy {
                    !($0.integration.tenantURL ?? "").contains("url-secret")
                }
            )
        }
    }

    @Test func rotatingRECRUCredentialsChecksThemByALoginAndKeepsEveryRecordID() async throws {
        try await AccessHarness.with { harness in
            let id = try await harness.connect()
            let before = try await harness.recordIDs(id)
            // The RECRU password changed: what is stored no longer logs in.
            _ = try await harness.store.updateIntegration(
                id: id,
                credentials: try harness.vault.seal(password: "outdated", integrationID: id)
            ) { _ in }
            #expect(try await harness.sync(id).state == .failed)
            let stale = try await harness.store.integration(id: id)?.encryptedCredentials

            func rotate(_ password: String, login: String? = nil) async -> StatusCode {
                await status {
                    _ = try await harness.withClient("admin") { client in
                        try await client.unary(
                            AdminService.rotateIntegrationCredentials,
                            RotateIntegrationCredentialsRequest(integrationID: id, login: login, password: password)
                        )
                    }
                }
            }
            #expect(await rotate("still-wrong") != .ok)
            #expect(await rotate(AccessHarness.password, login: "someone@else.example") != .ok)
            #expect(await rotate("") == .invalidArgument)
            #expect(
                try await harness.store.integration(id: id)?.encryptedCredentials == stale,
                "refused: nothing changed"
            )

            #expect(await rotate(AccessHarness.password) == .ok)
            let stored = try #require(try await harness.store.integration(id: id))
            #expect(try harness.vault.open(stored.encryptedCredentials, integrationID: id) == AccessHarness.password)
            #expect(stored.integration.status == .active)
            #expect(try await harness.sync(id).state == .succeeded)
            #expect(try await harness.recordIDs(id) == before)
            #expect(!harness.logs.text.contains(AccessHarness.password))
            #expect(!harness.logs.text.contains("still-wrong"))
        }
    }

    @Test func rotatingTheCredentialKeyResealsEverythingOrNothing() async throws {
        try await AccessHarness.with { harness in
            let id = try await harness.connect()
            let before = try await harness.recordIDs(id)
            let newVault = try CredentialVault(encodedKey: CredentialVault.generateKey())
            let wrongVault = try CredentialVault(encodedKey: CredentialVault.generateKey())
            let original = try await harness.store.integrations().map(\.encryptedCredentials)

            // A current key that does not open them: refused, nothing changed.
            await #expect(throws: ATSBridgeError.self) {
                try await CredentialKeyRotation(from: wrongVault, to: newVault)
                    .run(on: harness.store, actor: "local:test", at: 1)
            }
            #expect(try await harness.store.integrations().map(\.encryptedCredentials) == original)

            let count = try await CredentialKeyRotation(from: harness.vault, to: newVault)
                .run(on: harness.store, actor: "local:test", at: 2)
            #expect(count == 3)
            for stored in try await harness.store.integrations() {
                let id = stored.integration.id
                #expect(try newVault.open(stored.encryptedCredentials, integrationID: id) == AccessHarness.password)
                #expect(throws: ATSBridgeError.self) {
                    try harness.vault.open(stored.encryptedCredentials, integrationID: id)
                }
            }
            // A server started with the new key syncs with the re-sealed credentials.
            var configuration = SyncConfiguration()
            configuration.schedulerTick = .seconds(3600)
            let logger = harness.logs.logger(level: .trace)
            let engine = SyncEngine(
                store: harness.store,
                vault: newVault,
                remote: harness.remote,
                configuration: configuration,
                logger: logger
            )
            try await withRunningService(engine, logger: logger) { engine, _ in
                let run = try await engine.waitUntilFinished(try await engine.trigger(integrationID: id, type: .full))
                #expect(run.state == .succeeded)
            }
            #expect(try await harness.recordIDs(id) == before)
            let audit = try await harness.store.auditEntries(before: nil, integrationID: nil, limit: 1).first
            #expect(audit?.method == CredentialKeyRotation.auditMethod)
            #expect(audit?.keyName == "local:test")
            #expect(Set(audit?.targetIDs ?? []) == Set(["int-a", "int-b", id]))
        }
    }
}

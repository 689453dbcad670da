import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeStoreSQLite
import ATSBridgeTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// API keys as managed data: created with a secret shown once, listed without secrets, revoked
/// for the next call on every server sharing the store.
@Suite struct APIKeyTests {
    @Test func aRevokedKeyIsRefusedOnTheNextCallByEveryServerSharingTheStore() async throws {
        try await AccessHarness.with { harness in
            let created = try await harness.withClient("admin") { client in
                try await client.unary(
                    AdminService.createApiKey,
                    CreateApiKeyRequest(name: "jobboard", role: .admin, integrationIDs: ["int-a"])
                )
            }
            let secret = try #require(created.secret)
            #expect(secret.hasPrefix("atsb_") && secret.count == 69)
            // A second server on the same store file, as another instance would be.
            let secondStore = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: harness.storePath))
            let second = AccessHarness.server(
                store: secondStore,
                vault: harness.vault,
                engine: harness.engine,
                remote: harness.remote,
                logger: harness.logs.logger(level: .trace)
            )
            try await withRunningService(second, logger: harness.logs.logger(level: .trace)) { second, _ in
                let first = harness.client(key: secret)
                let other = RPCClient(
                    configuration: RPCClientConfiguration(port: try await second.listeningPort(), apiKey: secret)
                )
                let get = { (client: RPCClient) in
                    await status {
                        _ = try await client.unary(
                            AdminService.getIntegration,
                            IntegrationRequest(integrationID: "int-a")
                        )
                    }
                }
                #expect(await get(first) == .ok)
                #expect(await get(other) == .ok)
                _ = try await harness.withClient("admin") { client in
                    try await client.unary(AdminService.revokeApiKey, RevokeApiKeyRequest(name: "jobboard"))
                }
                // The same connections, the very next call.
                #expect(await get(first) == .unauthenticated)
                #expect(await get(other) == .unauthenticated)
                await first.close()
                await other.close()
            }
            let again = await status {
                _ = try await harness.withClient("admin") { client in
                    try await client.unary(AdminService.revokeApiKey, RevokeApiKeyRequest(name: "jobboard"))
                }
            }
            #expect(again == .notFound)
        }
    }

    @Test func revokingAKeyEndsItsRunningWatch() async throws {
        try await AccessHarness.with { harness in
            _ = try await harness.sync("int-a")
            let created = try await harness.withClient("admin") { client in
                try await client.unary(
                    AdminService.createApiKey,
                    CreateApiKeyRequest(name: "feed", role: .read, integrationIDs: ["int-a"])
                )
            }
            let secret = try #require(created.secret)
            let client = harness.client(key: secret, integration: "int-a")
            // A watch never ends by itself: "calls already running finish" cannot cover it.
            let watch = WatchRequest(announceStart: true)
            // The deadline makes a watch that outlives its key fail the test rather than hang it.
            var events = client.serverStreaming(
                ChangesService.watch,
                watch,
                options: CallOptions(timeout: .seconds(30))
            )
            .makeAsyncIterator()
            #expect(try await events.next()?.startSequence != nil)
            _ = try await harness.withClient("admin") { admin in
                try await admin.unary(AdminService.revokeApiKey, RevokeApiKeyRequest(name: "feed"))
            }
            let ended = await status {
                while try await events.next() != nil {}
            }
            #expect(ended == .unauthenticated)
            await client.close()
        }
    }

    @Test func listingShowsNamesRolesScopesAndTimesButNeverASecretOrItsHash() async throws {
        try await AccessHarness.with { harness in
            let created = try await harness.withClient("admin") { client in
                try await client.unary(
                    AdminService.createApiKey,
                    CreateApiKeyRequest(name: "analytics", role: .read, integrationIDs: ["int-b", "int-a"])
                )
            }
            let secret = try #require(created.secret)
            let hash = APIKey.hash(secret)
            // Use it once, so that it has a last-used time.
            let client = harness.client(key: secret, integration: "int-a")
            let used = await status { _ = try await client.unary(AtsReadService.getUserPage, ListUsersRequest()) }
            await client.close()
            #expect(used != .unauthenticated && used != .permissionDenied)
            let list = try await harness.withClient("admin") { client in
                try await client.unary(AdminService.listApiKeys, ListApiKeysRequest())
            }
            let key = try #require(list.keys.first { $0.name == "analytics" })
            #expect(key.role == .read)
            #expect(key.integrationIDs == ["int-a", "int-b"])
            #expect(key.origin == .managed)
            #expect(key.createdAt != nil && key.lastUsedAt != nil)
            #expect(list.keys.first { $0.name == "admin" }?.origin == .config)
            #expect(Set(list.keys.map(\.name)) == Set(AccessHarness.keys.map(\.name) + ["analytics"]))
            let listed = String(decoding: list.jsonBytes() + (try list.encode()), as: UTF8.self)
            for configured in AccessHarness.keys.map({ AccessHarness.secret($0.name) }) + [secret] {
                #expect(!listed.contains(configured))
                #expect(!listed.contains(APIKey.hash(configured)))
            }
            #expect(!harness.logs.text.contains(secret))
            #expect(!harness.logs.text.contains(hash))
            #expect(!harness.logs.text.contains(AccessHarness.secret("admin")))
        }
    }

    @Test func creatingAKeyChecksItsNameRoleAndScope() async throws {
        try await AccessHarness.with { harness in
            func create(_ request: CreateApiKeyRequest) async -> StatusCode {
                await status {
                    _ = try await harness.withClient("admin") { try await $0.unary(AdminService.createApiKey, request) }
                }
            }
            #expect(await create(CreateApiKeyRequest(name: "ok-key", role: .write)) == .ok)
            #expect(await create(CreateApiKeyRequest(name: "ok-key", role: .read)) == .alreadyExists)
            #expect(await create(CreateApiKeyRequest(name: "admin", role: .read)) == .alreadyExists)
            #expect(await create(CreateApiKeyRequest(name: "bad name", role: .read)) == .invalidArgument)
            #expect(await create(CreateApiKeyRequest(name: "", role: .read)) == .invalidArgument)
            #expect(await create(CreateApiKeyRequest(name: "no-role")) == .invalidArgument)
            #expect(
                await create(CreateApiKeyRequest(name: "elsewhere", role: .read, integrationIDs: ["int-nope"]))
                    == .notFound
            )
        }
    }

    @Test func configuredKeysRemovedFromTheConfigurationStopWorkingAtTheNextStart() async throws {
        let path = TemporaryFiles.unique("keys").appendingPathComponent("store.sqlite").path
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        let ops = APIKey(name: "ops", plaintext: "ops-secret-0123456789", access: .admin)
        let old = APIKey(name: "old", plaintext: "old-secret-0123456789", access: .read)
        try await store.installConfiguredAPIKeys([ops, old], at: 1_000)
        var managed = APIKey(name: "made", plaintext: "made-secret-0123456789", access: .write, origin: .managed)
        managed.createdAt = 1_500
        #expect(try await store.insertAPIKey(managed))
        let authenticator = StoredKeyAuthenticator(keys: store, now: { 2_000 })
        #expect(try await authenticator.authenticate(apiKey: "old-secret-0123456789")?.keyName == "old")

        // The next start, with `old` gone from the configuration.
        let reopened = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        #expect(try await reopened.installConfiguredAPIKeys([ops], at: 3_000) == ["old"])
        #expect(try await authenticator.authenticate(apiKey: "old-secret-0123456789") == nil)
        #expect(try await authenticator.authenticate(apiKey: "made-secret-0123456789")?.keyName == "made")
        let stored = try await reopened.apiKeys()
        #expect(stored.map(\.name) == ["made", "ops"])
        #expect(stored.first { $0.name == "ops" }?.createdAt == 1_000, "a kept key keeps its creation time")
        #expect(stored.first { $0.name == "ops" }?.lastUsedAt == nil)

        // A configured key may not take a managed key's name, nor share a secret with it.
        await #expect(throws: ATSBridgeError.self) {
            try await reopened.installConfiguredAPIKeys(
                [APIKey(name: "made", plaintext: "x-secret-0123456789", access: .read)],
                at: 4_000
            )
        }
        await #expect(throws: ATSBridgeError.self) {
            try await reopened.installConfiguredAPIKeys(
                [APIKey(name: "copy", plaintext: "made-secret-0123456789", access: .read)],
                at: 4_000
            )
        }
        #expect(try await reopened.apiKeys().map(\.name) == ["made", "ops"], "a refused configuration changes nothing")
    }

    @Test func aKeysLastUseIsRecordedAtMostOncePerResolution() async throws {
        let path = TemporaryFiles.unique("keys").appendingPathComponent("store.sqlite").path
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
        try await store.installConfiguredAPIKeys(
            [APIKey(name: "k", plaintext: "k-secret-0123456789", access: .read)],
            at: 0
        )
        let clock = ManualMilliseconds(10_000)
        let authenticator = StoredKeyAuthenticator(keys: store, now: { clock.now })
        _ = try await authenticator.authenticate(apiKey: "k-secret-0123456789")
        #expect(try await store.apiKeys().first?.lastUsedAt == 10_000)
        clock.now = 10_000 + APIKey.lastUseResolution - 1
        _ = try await authenticator.authenticate(apiKey: "k-secret-0123456789")
        #expect(try await store.apiKeys().first?.lastUsedAt == 10_000)
        clock.now = 10_000 + APIKey.lastUseResolution
        _ = try await authenticator.authenticate(apiKey: "k-secret-0123456789")
        #expect(try await store.apiKeys().first?.lastUsedAt == 10_000 + APIKey.lastUseResolution)
        #expect(try await authenticator.authenticate(apiKey: "k-secret-012345678") == nil)
        #expect(try await authenticator.authenticate(apiKey: "") == nil)
        #expect(try await authenticator.authenticate(apiKey: nil) == nil)
    }

    @Test func constantTimeEqualityComparesWholeStrings() {
        #expect(ConstantTime.equal("abc", "abc"))
        #expect(!ConstantTime.equal("abc", "abd"))
        #expect(!ConstantTime.equal("abc", "abcd"))
        #expect(!ConstantTime.equal("", "a"))
        #expect(ConstantTime.equal("", ""))
    }
}

/// A settable clock in milliseconds.
final class ManualMilliseconds: Sendable {
    private let value: Mutex<Int64>

    init(_ value: Int64) { self.value = Mutex(value) }

    var now: Int64 {
        get { self.value.withLock { $0 } }
        set { self.value.withLock { $0 = newValue } }
    }
}

import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeStoreSQLite
import ATSBridgeSync
import ATSBridgeTestSupport
import Foundation
import Logging
import Testing

/// docs/security.md's method table against the real services: it lists every method of
/// `proto/` with the rule the server registers, and every key gets exactly what it allows.
@Suite struct MethodTableTests {
    @Test func theTableListsEveryMethodWithTheRuleTheServerEnforces() async throws {
        let table = try MethodTable.load()
        let catalog = Set(ServiceCatalog.methods.map(\.fullName))
        #expect(table.rows.count == catalog.count, "each method once")
        #expect(Set(table.rows.map(\.method)) == catalog)
        try await AccessHarness.with { harness in
            let router = AccessHarness.router(
                store: harness.store,
                vault: harness.vault,
                engine: harness.engine,
                remote: harness.remote
            )
            #expect(Set(router.methods.keys) == catalog)
            for row in table.rows {
                #expect(router.methods[row.method]?.access == row.access, "\(row.method)")
                #expect(router.methods[row.method]?.audited == row.audited, "\(row.method)")
            }
        }
    }

    @Test func everyKeyOfEveryRoleAndScopeGetsExactlyWhatTheTableAllows() async throws {
        let table = try MethodTable.load()
        try await AccessHarness.with { harness in
            var keys: [Caller] = AccessHarness.keys.map {
                Caller(name: $0.name, secret: AccessHarness.secret($0.name), access: $0.access, scoped: $0.scoped)
            }
            keys.append(Caller(name: "none", secret: nil, access: .none, scoped: false))
            keys.append(Caller(name: "unknown", secret: "not-a-key-0123456789", access: .none, scoped: false))
            var checked = 0
            for caller in keys {
                // Scoped keys try their own (nonexistent, so harmless) integration and another
                // that exists; unscoped keys only the harmless one.
                for target in caller.scoped ? ["int-gone", "int-b"] : ["int-gone"] {
                    let client = harness.client(key: caller.secret, integration: target)
                    for row in table.rows {
                        let got = await status { try await Self.call(row.method, target: target, client) }
                        switch caller.expected(row.access, target: target) {
                        case .some(let refusal):
                            #expect(got == refusal, "\(caller.name) → \(row.method) on \(target)")
                        case nil:
                            #expect(
                                got != .permissionDenied && got != .unauthenticated,
                                "\(caller.name) → \(row.method) on \(target) was refused: \(got)"
                            )
                        }
                        checked += 1
                    }
                    await client.close()
                }
            }
            #expect(checked == table.rows.count * 11, "3 scoped keys × 2 integrations, 5 other callers × 1")
            // Nothing the refused calls aimed at changed.
            let other = try await harness.store.integration(id: "int-b")
            #expect(other?.integration.status == .active)
            #expect(try await harness.store.apiKeys().count == AccessHarness.keys.count)
        }
    }

    @Test func aScopedAdminKeyListsOnlyItsIntegrations() async throws {
        try await AccessHarness.with { harness in
            let scoped = try await harness.withClient("admin-a") { client in
                try await client.unary(AdminService.listIntegrations, ListIntegrationsRequest())
            }
            #expect(scoped.integrations.map(\.id) == ["int-a"])
            let all = try await harness.withClient("admin") { client in
                try await client.unary(AdminService.listIntegrations, ListIntegrationsRequest())
            }
            #expect(all.integrations.map(\.id) == ["int-a", "int-b"])
            // Its own integration it manages: pause and resume int-a.
            let paused = try await harness.withClient("admin-a") { client in
                try await client.unary(AdminService.pauseIntegration, IntegrationRequest(integrationID: "int-a"))
            }
            #expect(paused.status == .inactive)
        }
    }

    /// Calls `method` with a minimal request naming `target`; streams take one message.
    static func call(_ method: String, target: String, _ client: RPCClient) async throws {
        guard let callable = ServiceCatalog.methods.first(where: { $0.fullName == method }) else {
            throw ATSBridgeError(.notFound, "\(method) is not in the catalogue")
        }
        var fields: [String: String] = ["integration_id": target]
        if method.hasSuffix("/RevokeApiKey") { fields["name"] = "nobody" }
        let data = try JSONEncoder().encode(fields)
        let request = try JSONDecoder().decode(ProtoJSONValue.self, from: data)
        try await callable.accept(MinimalCall(client: client, request: request))
    }
}

/// A test caller: a key of a role, scoped to `int-a` and `int-gone` or not; or no key, or an unknown one.
struct Caller {
    var name: String
    var secret: String?
    var access: AccessLevel
    var scoped: Bool

    /// The status the table says a call gets, or `nil` when it lets the call through.
    func expected(_ rule: MethodAccess, target: String) -> StatusCode? {
        guard rule.level > .none else { return nil }
        guard self.access > .none else { return .unauthenticated }
        guard self.access >= rule.level else { return .permissionDenied }
        switch rule.scope {
        case .callIntegration, .requestIntegration:
            return self.scoped && !AccessHarness.scope.contains(target) ? .permissionDenied : nil
        case .unscopedKey:
            return self.scoped ? .permissionDenied : nil
        case .none, .filtered:
            return nil
        }
    }
}

/// Makes one call of a method known only by name, from a JSON request. Fields the request type
/// does not have are dropped, so one JSON fits every method.
private struct MinimalCall: MethodVisitor {
    let client: RPCClient
    let request: ProtoJSONValue

    func visit<
        Request: ProtoMessage & JSONReadable & JSONWritable,
        Response: ProtoMessage & JSONReadable & JSONWritable
    >(_ method: MethodDescriptor<Request, Response>) async throws {
        var request = Request()
        if let full = try? Request(json: self.request) {
            request = full
        } else if case .object(let fields) = self.request {
            for (key, value) in fields {
                if let one = try? Request(json: .object([key: value])) { request = one }
            }
        }
        switch method.kind {
        case .unary:
            _ = try await self.client.unary(method, request, options: CallOptions(timeout: .seconds(10)))
        case .serverStreaming:
            for try await _ in self.client.serverStreaming(method, request, options: CallOptions(timeout: .seconds(10)))
            {
                break
            }
        }
    }
}

import ATSBridgeCore
import ATSBridgeProto
import Testing

/// The contract of every backend for API keys, the audit log and credential changes.
@Suite struct KeyAuditContractTests {
    @Test(arguments: StoreKind.allCases)
    func keysAreFoundByHashUniqueByNameAndRevoked(kind: StoreKind) async throws {
        let store = try await kind.make()
        var key = APIKey(name: "k", plaintext: "k-secret-0123456789", access: .write, integrations: ["a", "b"])
        key.origin = .managed
        key.createdAt = 10
        #expect(try await store.insertAPIKey(key))
        #expect(try await !store.insertAPIKey(APIKey(name: "k", plaintext: "other-0123456789", access: .read)))
        #expect(try await store.apiKey(sha256: key.sha256) == key)
        #expect(try await store.apiKey(sha256: key.sha256.uppercased()) == key)
        #expect(try await store.apiKey(sha256: APIKey.hash("other-0123456789")) == nil)

        try await store.recordAPIKeyUse(name: "k", at: 50)
        try await store.recordAPIKeyUse(name: "k", at: 40)
        #expect(try await store.apiKey(sha256: key.sha256)?.lastUsedAt == 50, "a last use never moves back")

        #expect(try await store.revokeAPIKey(name: "k")?.name == "k")
        #expect(try await store.apiKey(sha256: key.sha256) == nil)
        #expect(try await store.revokeAPIKey(name: "k") == nil)
        #expect(try await store.apiKeys().isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func theAuditLogPagesNewestFirstAndFiltersByIntegration(kind: StoreKind) async throws {
        let store = try await kind.make()
        for index in 0..<5 {
            try await store.appendAudit(
                AuditEntry(
                    at: Int64(index),
                    keyName: "k",
                    method: "/m/\(index)",
                    integrationID: index.isMultiple(of: 2) ? "a" : nil,
                    targetIDs: index == 0 ? [] : ["t\(index)", "u"],
                    status: index == 4 ? .permissionDenied : .ok,
                    errorCode: index == 4 ? "PLATFORM.PERMISSION_DENIED" : nil
                )
            )
        }
        let all = try await store.auditEntries(before: nil, integrationID: nil, limit: 100)
        #expect(all.map(\.method) == ["/m/4", "/m/3", "/m/2", "/m/1", "/m/0"])
        #expect(all.first?.status == .permissionDenied && all.first?.errorCode == "PLATFORM.PERMISSION_DENIED")
        #expect(all.first?.targetIDs == ["t4", "u"] && all.last?.targetIDs == [])
        let page = try await store.auditEntries(before: all[1].sequence, integrationID: nil, limit: 2)
        #expect(page.map(\.method) == ["/m/2", "/m/1"])
        let ofA = try await store.auditEntries(before: nil, integrationID: "a", limit: 100)
        #expect(ofA.map(\.method) == ["/m/4", "/m/2", "/m/0"])
    }

    @Test(arguments: StoreKind.allCases)
    func resealingIsAllOrNothing(kind: StoreKind) async throws {
        let store = try await kind.make()
        for id in ["a", "b", "c"] {
            try await store.saveIntegration(
                StoredIntegration(integration: Integration(id: id, login: "l"), encryptedCredentials: [1])
            )
        }
        // As the rotation's own refusal (a credential that does not open) passes through.
        await #expect(throws: ATSBridgeError.self) {
            try await store.resealCredentials { stored in
                if stored.integration.id == "b" { throw ATSBridgeError(.credentialKeyInvalid, "b does not open") }
                return [2]
            }
        }
        #expect(try await store.integrations().map(\.encryptedCredentials) == [[1], [1], [1]])
        #expect(try await store.resealCredentials { _ in [3] } == ["a", "b", "c"])
        #expect(try await store.integrations().map(\.encryptedCredentials) == [[3], [3], [3]])

        let updated = try await store.updateIntegration(id: "b", credentials: [4]) { $0.login = "new" }
        #expect(updated?.login == "new")
        #expect(try await store.integration(id: "b")?.encryptedCredentials == [4])
        #expect(try await store.updateIntegration(id: "nope", credentials: [5]) { _ in } == nil)
    }
}

import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeTestSupport
import Foundation
import GRDB
import Logging
import Testing

@testable import ATSBridgeStoreSQLite

/// The audit log: every write and admin action, who, what, when and the outcome; no personal data.
@Suite struct AuditTests {
    @Test func writesAndAdminActionsAreAuditedWithoutPersonalData() async throws {
        try await AccessHarness.with { harness in
            let id = try await harness.connect()
            // Refused before any handler: a known key outside its scope is recorded, an unknown key not.
            let refusedWrite = await status {
                _ = try await harness.withClient("writer-a", integration: "int-b") { client in
                    try await client.unary(AtsWriteService.createCandidate, CreateCandidateRequest())
                }
            }
            #expect(refusedWrite == .permissionDenied)
            let unknown = harness.client(key: "unknown-key-0123456789")
            let anonymous = await status {
                _ = try await unknown.unary(AdminService.pauseIntegration, IntegrationRequest(integrationID: "int-a"))
            }
            await unknown.close()
            #expect(anonymous == .unauthenticated)
            let candidate = CandidateInput(
                firstName: "Zuzana",
                lastName: "Kováčiková",
                emailAddress: "zuzana.kovacikova@example.sk",
                phoneNumber: "+421 905 111 222"
            )
            let created = try await harness.withClient("writer", integration: id) { client in
                try await client.unary(
                    AtsWriteService.createCandidate,
                    CreateCandidateRequest(
                        candidate: candidate,
                        application: ApplicationInput(jobID: harness.openJob(id)),
                        idempotencyKey: "audit-test-1"
                    )
                )
            }
            let candidateID = try #require(created.candidate?.id)
            _ = try await harness.withClient("admin") { client in
                try await client.unary(AdminService.createApiKey, CreateApiKeyRequest(name: "temp", role: .read))
            }
            _ = try await harness.withClient("admin") { client in
                try await client.unary(AdminService.revokeApiKey, RevokeApiKeyRequest(name: "temp"))
            }
            let denied = await status {
                _ = try await harness.withClient("admin-a") { client in
                    try await client.unary(AdminService.pauseIntegration, IntegrationRequest(integrationID: "int-b"))
                }
            }
            #expect(denied == .permissionDenied)
            // Reads are not audited.
            _ = try await harness.withClient("reader", integration: id) { client in
                try await client.unary(AtsReadService.getCandidate, GetRequest(id: candidateID))
            }

            let page = try await harness.withClient("admin") { client in
                try await client.unary(AdminService.listAuditEntries, ListAuditEntriesRequest())
            }
            let entries = page.entries
            #expect(entries.map(\.sequence) == entries.map(\.sequence).sorted(by: >), "newest first")
            func entry(_ method: String) -> AuditEntry? { entries.first { $0.method?.hasSuffix(method) == true } }

            let integration = try #require(entry("/CreateIntegration"))
            #expect(integration.keyName == "admin" && integration.status == .ok && integration.targetIDs == [id])
            let write = try #require(entry("/CreateCandidate"))
            #expect(write.keyName == "writer" && write.integrationID == id && write.status == .ok)
            #expect(write.targetIDs == [harness.openJob(id), candidateID])
            #expect((write.at ?? 0) > 1_700_000_000_000)
            #expect(entry("/CreateApiKey")?.targetIDs == ["temp"])
            #expect(entry("/RevokeApiKey")?.targetIDs == ["temp"])
            let refused = try #require(entry("/PauseIntegration"))
            #expect(refused.keyName == "admin-a" && refused.integrationID == "int-b")
            #expect(refused.status == .permissionDenied && refused.errorCode == "PLATFORM.PERMISSION_DENIED")
            #expect(entry("/GetCandidate") == nil)
            #expect(entry("/ListAuditEntries") == nil)

            let text = String(decoding: page.jsonBytes() + (try page.encode()), as: UTF8.self)
            for personal in ["Zuzana", "Kováčiková", "zuzana.kovacikova", "905 111", AccessHarness.password] {
                #expect(!text.contains(personal), "the audit log holds \(personal)")
            }
            #expect(!harness.logs.text.contains("zuzana.kovacikova"))

            // Paging: newest first, then on from the cursor, nothing skipped or repeated.
            let first = try await harness.withClient("admin") { client in
                try await client.unary(AdminService.listAuditEntries, ListAuditEntriesRequest(limit: 2))
            }
            let cursor = try #require(first.nextBeforeSequence)
            let rest = try await harness.withClient("admin") { client in
                try await client.unary(
                    AdminService.listAuditEntries,
                    ListAuditEntriesRequest(beforeSequence: cursor, limit: 1000)
                )
            }
            #expect((first.entries + rest.entries).map(\.sequence) == entries.map(\.sequence))
            let onlyB = try await harness.withClient("admin") { client in
                try await client.unary(AdminService.listAuditEntries, ListAuditEntriesRequest(integrationID: "int-b"))
            }
            #expect(onlyB.entries.map(\.method) == [refused.method, "/atsbridge.v1.AtsWrite/CreateCandidate"])
            #expect(onlyB.entries.last?.keyName == "writer-a" && onlyB.entries.last?.status == .permissionDenied)
            #expect(!entries.contains { $0.keyName == "anonymous" || $0.integrationID == "int-a" })
        }
    }

    /// A call cancelled by its deadline after its write went through (a write command finishes
    /// once sent to RECRU) still gets its entry: appending it is not cancelled with the call.
    @Test func aCancelledCallIsStillAudited() async throws {
        try await AccessHarness.with { harness in
            let trail = AuditTrail(log: harness.store)
            let context = ServerContext(
                method: "/atsbridge.v1.AtsWrite/CreateApplication",
                metadata: CallMetadata(integrationID: "int-a"),
                principal: Principal(keyName: "writer", access: .write),
                deadline: nil,
                logger: Logger(label: "audit-test")
            )
            let call = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                await trail.record(context, integrationID: "int-a", targets: ["app-1"], error: nil)
            }
            await call.value
            let entries = try await harness.store.auditEntries(before: nil, integrationID: "int-a", limit: 10)
            #expect(entries.map(\.method) == ["/atsbridge.v1.AtsWrite/CreateApplication"])
            #expect(entries.first?.targetIDs == ["app-1"])
        }
    }

    @Test func theAuditLogIsAppendOnly() async throws {
        try await AccessHarness.with { harness in
            try await harness.store.appendAudit(AuditEntry(at: 1, keyName: "k", method: "/x/Y", status: .ok))
            await #expect(throws: (any Error).self) {
                try await harness.store.pool.write { db in
                    try db.execute(sql: "UPDATE audit_log SET key_name = 'other'")
                }
            }
            await #expect(throws: (any Error).self) {
                try await harness.store.pool.write { db in try db.execute(sql: "DELETE FROM audit_log") }
            }
            // Deleting an integration keeps its entries.
            _ = try await harness.withClient("admin") { client in
                try await client.unary(AdminService.deleteIntegration, IntegrationRequest(integrationID: "int-b"))
            }
            let entries = try await harness.store.auditEntries(before: nil, integrationID: nil, limit: 10)
            #expect(entries.map(\.method) == ["/atsbridge.v1.Admin/DeleteIntegration", "/x/Y"])
        }
    }
}

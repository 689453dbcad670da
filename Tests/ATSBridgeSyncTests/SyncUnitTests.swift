import ATSBridgeCore
import ATSBridgeProto
import Testing

@testable import ATSBridgeSync

/// The parts of a sync that need no server: credentials, state.
@Suite struct SyncUnitTests {
    @Test func credentialsOpenOnlyWithTheirKeyAndIntegration() throws {
        let vault = try CredentialVault(encodedKey: CredentialVault.generateKey())
        let sealed = try vault.seal(password: "s3cret", integrationID: "int-1")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("s3cret"))
        #expect(try vault.open(sealed, integrationID: "int-1") == "s3cret")
        let account = RemoteATSAccount(integrationID: "int-1", tenantURL: "https://t", login: "api", password: "s3cret")
        #expect(!"\(account)".contains("s3cret"))
        #expect(throws: ATSBridgeError.self) { try vault.open(sealed, integrationID: "int-2") }
        let other = try CredentialVault(encodedKey: CredentialVault.generateKey())
        #expect {
            _ = try other.open(sealed, integrationID: "int-1")
        } throws: { ($0 as? ATSBridgeError)?.code.dotted == "PLATFORM.CREDENTIAL_KEY_INVALID" }
        #expect { _ = try other.open([1, 2, 3], integrationID: "int-1") } throws: {
            ($0 as? ATSBridgeError)?.code.dotted == "PLATFORM.CREDENTIAL_KEY_INVALID"
        }
        for bad in ["", "abc", String(repeating: "z", count: 64), "c2hvcnQ="] {
            #expect { _ = try CredentialVault(encodedKey: bad) } throws: {
                ($0 as? ATSBridgeError)?.code.dotted == "PLATFORM.INPUT_INVALID"
            }
        }
        let base64 = try CredentialVault(encodedKey: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
        let hex = try CredentialVault(encodedKey: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
        #expect(try hex.open(try base64.seal(password: "p", integrationID: "i"), integrationID: "i") == "p")
    }

    @Test func theStateMachineQueuesBeyondTheLimitAndStartsTheNext() {
        var state = SyncEngineState(maxConcurrent: 1)
        let a = SyncRun(id: "a", integrationID: "int-a")
        let b = SyncRun(id: "b", integrationID: "int-b")
        guard case .start = state.request(a) else { Issue.record("a starts"); return }
        guard case .queued = state.request(b) else { Issue.record("b waits"); return }
        guard case .existing(let existing) = state.request(SyncRun(id: "a2", integrationID: "int-a")) else {
            Issue.record("a second run of int-a is the first")
            return
        }
        #expect(existing.id == "a")
        #expect(state.finished(integrationID: "int-a", succeeded: false)?.id == "b")
        #expect(state.consecutiveFailures("int-a") == 1)
        #expect(state.finished(integrationID: "int-b", succeeded: true) == nil)
        #expect(state.stop().isEmpty)
        guard case .stopped = state.request(a) else { Issue.record("stopped"); return }
    }
}

import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeTestSupport
import Foundation

/// Upserts `total` realistic candidates (SampleRecords: two emails, a phone, a location,
/// `remote_data`) in batches of 5,000, then the same again unchanged. Generating the records is
/// not timed.
struct Ingest {
    static let integrationID = "bench"
    static let credentialKey = String(repeating: "ab", count: 32)
    static let batch = 5_000

    let store: any Store
    let total: Int

    struct Result {
        var insertSeconds: Double
        var reupsertSeconds: Double
        var unchanged: Int
        var logGrew: Bool
    }

    static func id(_ index: Int) -> String {
        RecordID.make(integrationID: self.integrationID, model: .candidate, remoteID: "\(index)")
    }

    /// The benchmark's integration: inactive (never synced), setup completed (readable).
    static var integration: StoredIntegration {
        get throws {
            StoredIntegration(
                integration: Integration(id: self.integrationID, status: .inactive, setupStatus: .completed),
                encryptedCredentials: try CredentialVault(encodedKey: self.credentialKey).seal(
                    password: "unused",
                    integrationID: self.integrationID
                )
            )
        }
    }

    private func candidates(_ range: Range<Int>) -> [Candidate] {
        range.map { index in
            var candidate = SampleRecords.candidate(index: index)
            candidate.id = Self.id(index)
            candidate.remoteID = "\(index)"
            candidate.applications = []
            candidate.tags = []
            return candidate
        }
    }

    private func upsertAll(at now: Int64) async throws -> (seconds: Double, unchanged: Int) {
        var seconds = 0.0
        var unchanged = 0
        for start in stride(from: 0, to: self.total, by: Self.batch) {
            let batch = self.candidates(start..<min(self.total, start + Self.batch))
            let began = ContinuousClock.now
            unchanged += try await self.store.upsert(.candidates(batch), integrationID: Self.integrationID, at: now)
                .unchanged
            seconds += (ContinuousClock.now - began).seconds
        }
        return (seconds, unchanged)
    }

    func run() async throws -> Result {
        let insert = try await self.upsertAll(at: 1_000)
        let before = try await self.store.lastChangeSequence(integrationID: Self.integrationID)
        let again = try await self.upsertAll(at: 2_000)
        let after = try await self.store.lastChangeSequence(integrationID: Self.integrationID)
        return Result(
            insertSeconds: insert.seconds,
            reupsertSeconds: again.seconds,
            unchanged: again.unchanged,
            logGrew: after != before
        )
    }
}

extension Duration {
    /// Seconds as a Double.
    var seconds: Double { Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18 }
}

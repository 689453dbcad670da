import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import ArgumentParser
import Foundation

/// `StoreCrashLoad`: upserts batches of generated candidates into a SQLite store, printing
/// `committed N` after each batch. A test-only tool, not shipped: the store's crash test
/// (`StoreFaultTests`) kills it mid-batch.
@main
struct StoreCrashLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "StoreCrashLoad",
        abstract: "Upsert generated candidates in batches (for crash tests)."
    )

    @Option(help: "The SQLite database file.")
    var db: String

    @Option(help: "How many batches.")
    var batches: Int = 1_000

    @Option(help: "Candidates per batch.")
    var batchSize: Int = 1_000

    func validate() throws {
        guard self.batches > 0, (1...100_000).contains(self.batchSize) else {
            throw ValidationError("--batches must be positive and --batch-size from 1 to 100000")
        }
    }

    func run() async throws {
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: self.db))
        for batch in 0..<self.batches {
            let candidates = (0..<self.batchSize).map { index in
                let remoteID = "b\(batch)-\(index)"
                return Candidate(
                    id: RecordID.make(integrationID: "crash", model: .candidate, remoteID: remoteID),
                    remoteID: remoteID,
                    firstName: "Candidate \(index)",
                    emailAddresses: [EmailAddress(emailAddress: "c\(batch)-\(index)@example.com")]
                )
            }
            _ = try await store.upsert(.candidates(candidates), integrationID: "crash", at: Int64(batch))
            // Unbuffered, so the test sees each commit as it happens.
            FileHandle.standardOutput.write(Data("committed \(batch + 1)\n".utf8))
        }
    }
}

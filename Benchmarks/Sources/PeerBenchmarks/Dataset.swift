import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import ATSBridgeTestSupport
import Foundation

/// The data every side serves: a SQLite store of candidates shaped like `SampleRecords.candidate`
/// (2 emails, a phone, a location, `remote_data`), each with 2 applications (one of 200 jobs,
/// one of 8 stages) and 3 tags (of 12), views kept; and the same candidates as the store returns
/// them (nested views included), dumped once to a file that the peer servers load into memory.
struct Dataset: Sendable {
    /// The integration the records belong to.
    static let integrationID = "bench"
    /// The key `atsbridge serve` uses to open credentials (none are used).
    static let credentialKey = String(repeating: "ab", count: 32)

    /// The SQLite store.
    var storePath: String
    /// Length-prefixed (UInt32 little-endian) encoded candidates, in id order.
    var recordsPath: String
    /// The number of candidates.
    var count: Int

    /// Builds the store and the dump unless a previous run left them ready.
    static func prepare(count: Int) async throws -> Dataset {
        let directory = "/tmp/atsbridge-peer-bench"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let dataset = Dataset(
            storePath: "\(directory)/store-\(count).sqlite",
            recordsPath: "\(directory)/candidates-\(count).bin",
            count: count
        )
        // Both files must be there: a cleaned /tmp may have kept one and not the other.
        let ready = [dataset.recordsPath + ".ready", dataset.storePath].allSatisfy {
            FileManager.default.fileExists(atPath: $0)
        }
        guard !ready else { return dataset }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dataset.storePath + suffix) }
        let started = ContinuousClock.now
        try await dataset.seed()
        _ = FileManager.default.createFile(atPath: dataset.recordsPath + ".ready", contents: Data())
        print("built the store and the dump of \(count) candidates in \(ContinuousClock.now - started)")
        return dataset
    }

    private func seed() async throws {
        let integration = Self.integrationID
        let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: self.storePath))
        func id(_ model: Model, _ remoteID: String) -> String {
            RecordID.make(integrationID: integration, model: model, remoteID: remoteID)
        }
        let stageNames = ["Nový", "Pohovor", "Test", "Ponuka", "Prijatý", "Zamietnutý", "Odstúpil", "Archív"]
        let tagNames = [
            "Swift", "Remote OK", "Top talent", "Senior", "Junior", "Referral", "Relocation", "Contract",
            "Part-time", "Backend", "Frontend", "DevOps",
        ]
        let stageIDs = stageNames.indices.map { id(.applicationStage, "st-\($0)") }
        let jobIDs = (0..<200).map { id(.job, "pr-\($0)") }
        let tagIDs = tagNames.indices.map { id(.tag, "tag-\($0)") }
        _ = try await store.upsert(
            batches: [
                .applicationStages(
                    stageIDs.enumerated().map { ApplicationStage(id: $1, remoteID: "st-\($0)", name: stageNames[$0]) }
                ),
                .jobs(
                    jobIDs.enumerated().map {
                        Job(id: $1, remoteID: "pr-\($0)", name: "Backend Engineer (Swift) \($0)", status: .open)
                    }
                ),
                .jobApplicationStages(
                    jobIDs.enumerated().flatMap { job, jobID in
                        stageIDs.enumerated().map { index, stageID in
                            JobApplicationStage(
                                id: id(.jobApplicationStage, "pr-\(job)-\(index)"),
                                index: Int32(index),
                                jobID: jobID,
                                stageID: stageID
                            )
                        }
                    }
                ),
                .tags(tagIDs.enumerated().map { Tag(id: $1, remoteID: "tag-\($0)", name: tagNames[$0]) }),
            ],
            integrationID: integration,
            at: 1_000
        )
        for batch in stride(from: 0, to: self.count, by: 2_000) {
            let range = batch..<min(self.count, batch + 2_000)
            let candidates: [Candidate] = range.map { (index: Int) -> Candidate in
                var candidate = SampleRecords.candidate(index: index)
                candidate.id = id(.candidate, "js-\(index)")
                candidate.remoteID = "js-\(index)"
                candidate.applications = []
                candidate.tags = []
                return candidate
            }
            let applications: [Application] = range.flatMap { (index: Int) -> [Application] in
                (0..<2).map { (n: Int) -> Application in
                    Application(
                        id: id(.application, "app-\(index)-\(n)"),
                        remoteID: "app-\(index)-\(n)",
                        outcome: n == 0 ? .pending : .declined,
                        currentStageID: stageIDs[(index + n) % stageIDs.count],
                        jobID: jobIDs[(index * 7 + n) % jobIDs.count],
                        candidateID: id(.candidate, "js-\(index)")
                    )
                }
            }
            let tags: [CandidateTag] = range.flatMap { (index: Int) -> [CandidateTag] in
                (0..<3).map { (n: Int) -> CandidateTag in
                    CandidateTag(
                        id: id(.candidateTag, "ct-\(index)-\(n)"),
                        candidateID: id(.candidate, "js-\(index)"),
                        tagID: tagIDs[(index + n * 5) % tagIDs.count]
                    )
                }
            }
            _ = try await store.upsert(.candidates(candidates), integrationID: integration, at: 2_000)
            _ = try await store.upsert(.applications(applications), integrationID: integration, at: 2_000)
            _ = try await store.upsert(.candidateTags(tags), integrationID: integration, at: 2_000)
        }
        while try await store.refreshStaleViews(limit: 1_000) > 0 {}
        try await store.saveIntegration(
            StoredIntegration(
                integration: Integration(id: integration, status: .inactive, setupStatus: .completed),
                encryptedCredentials: try CredentialVault(encodedKey: Self.credentialKey).seal(
                    password: "unused",
                    integrationID: integration
                )
            )
        )
        // The dump: what the store serves, record by record.
        var out = [UInt8]()
        var query = RecordQuery(integrationID: integration, model: .candidate, pageSize: 1_000)
        var dumped = 0
        while true {
            let page = try await store.page(query)
            for record in page.records {
                withUnsafeBytes(of: UInt32(record.count).littleEndian) { out.append(contentsOf: $0) }
                out.append(contentsOf: record)
            }
            dumped += page.count
            guard let next = page.nextCursor else { break }
            query.cursor = next
        }
        precondition(dumped == self.count, "the store returned \(dumped) of \(self.count) candidates")
        try Data(out).write(to: URL(fileURLWithPath: self.recordsPath))
    }

    /// The encoded candidates of a dump.
    static func load(recordsPath: String) throws -> [[UInt8]] {
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: recordsPath)))
        var records: [[UInt8]] = []
        var offset = 0
        while offset + 4 <= data.count {
            let length =
                Int(data[offset]) | Int(data[offset + 1]) << 8 | Int(data[offset + 2]) << 16
                | Int(data[offset + 3]) << 24
            records.append(Array(data[offset + 4..<offset + 4 + length]))
            offset += 4 + length
        }
        return records
    }
}

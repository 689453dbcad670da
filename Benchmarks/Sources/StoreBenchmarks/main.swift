import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreSQLite
import BenchmarkSupport
import Foundation

// The SQLite store at 1 M candidates, release build:
//
//   swift run -c release StoreBenchmarks
//
//   BENCH_CANDIDATES=1000000   candidates
//   BENCH_BATCH=1000           records per upsert transaction
//   BENCH_DB=/tmp/...sqlite    database file (default: a fresh temporary one)
//   BENCH_UPSERT_ONLY=1        stop after the upserts and the flat scans (for profiling)
//   BENCH_REUPSERT_ROUNDS=1    times the unchanged re-upsert goes over the records (for profiling)

let environment = ProcessInfo.processInfo.environment
let total = Int(environment["BENCH_CANDIDATES"] ?? "") ?? 1_000_000
let batchSize = Int(environment["BENCH_BATCH"] ?? "") ?? 1_000
let path =
    environment["BENCH_DB"]
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("store-bench-\(UUID())/bench.sqlite").path
let integration = "bench"

func candidate(_ index: Int, title: String = "Engineer") -> Candidate {
    let remoteID = "js-\(index)"
    return Candidate(
        id: RecordID.make(integrationID: integration, model: .candidate, remoteID: remoteID),
        remoteID: remoteID,
        firstName: ["Ján", "Eva", "Jörg", "Zuzana", "Petr"][index % 5],
        lastName: "Nováková-\(index)",
        company: "Dvořák s.r.o.",
        title: title,
        source: "LinkedIn",
        phoneNumbers: [PhoneNumber(phoneNumber: "+421 905 \(100_000 + index % 900_000)", type: "MOBILE")],
        emailAddresses: [
            EmailAddress(emailAddress: "person\(index)@example.sk", type: "PRIVATE"),
            EmailAddress(emailAddress: "p\(index)@work.cz", type: "WORK"),
        ],
        location: Location(city: "Bratislava", country: "SK"),
        remoteData: Array(#"{"id":\#(index),"source_id":3}"#.utf8)
    )
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let clock = ContinuousClock()
let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
print("SQLite store at \(total) candidates, batches of \(batchSize), \(path)")

// 1. Batched upsert of new records (generating the records is not timed).
// Besides the wall time, the process's CPU time during the calls (all threads; the records are
// made between the calls): the steadier figure for comparing two builds on a shared machine.
var insertSeconds = 0.0
var insertCPU = 0.0
for batchStart in stride(from: 0, to: total, by: batchSize) {
    let batch = (batchStart..<min(total, batchStart + batchSize)).map { candidate($0) }
    let (begin, cpu) = (clock.now, processCPUSeconds())
    _ = try await store.upsert(.candidates(batch), integrationID: integration, at: 1_000)
    insertSeconds += seconds(clock.now - begin)
    insertCPU += processCPUSeconds() - cpu
}
print(
    String(
        format: "upsert new:        %.0f records/s (%.1f s; %.0f per CPU second)",
        Double(total) / insertSeconds,
        insertSeconds,
        Double(total) / insertCPU
    )
)

// 2. Re-upsert of unchanged records: no writes.
let changesBefore = try await store.changes(integrationID: integration, after: 0, limit: 1).first?.sequence ?? 0
var reSeconds = 0.0
var reCPU = 0.0
var unchanged = 0
let reRounds = Int(environment["BENCH_REUPSERT_ROUNDS"] ?? "") ?? 1
for batchStart in stride(from: 0, to: total * reRounds, by: batchSize).map({ $0 % total }) {
    let batch = (batchStart..<min(total, batchStart + batchSize)).map { candidate($0) }
    let (begin, cpu) = (clock.now, processCPUSeconds())
    unchanged += try await store.upsert(.candidates(batch), integrationID: integration, at: 2_000).unchanged
    reSeconds += seconds(clock.now - begin)
    reCPU += processCPUSeconds() - cpu
}
let lastSequence = try await store.changes(integrationID: integration, after: UInt64(total) - 1, limit: 10).last?
    .sequence
print(
    String(
        format: "re-upsert same:    %.0f records/s (%.1f s; %.0f per CPU second), ",
        Double(total * reRounds) / reSeconds,
        reSeconds,
        Double(total * reRounds) / reCPU
    )
        + "\(unchanged) unchanged, change log ends at \(lastSequence ?? 0) (was \(changesBefore)+\(total - 1))"
)

// 2b. What every upsert does before its transaction: encode, hash and sort the rows (on both
// cores). The unchanged re-upsert is this plus one lookup per record.
var prepareSeconds = 0.0
for batchStart in stride(from: 0, to: total, by: batchSize) {
    let batch = RecordBatch.candidates((batchStart..<min(total, batchStart + batchSize)).map { candidate($0) })
    let begin = clock.now
    _ = try await RecordRow.sortedRows(of: batch, parts: Int(environment["BENCH_PARTS"] ?? "2") ?? 2)
    prepareSeconds += seconds(clock.now - begin)
}
print(String(format: "prepare rows:      %.0f records/s (%.2f s)", Double(total) / prepareSeconds, prepareSeconds))

// 3. Full keyset scan, streaming stored bytes (candidates without applications or tags yet).
func scan(_ model: Model, _ label: String, order: RecordOrder = .id) async throws {
    let start = clock.now
    var query = RecordQuery(integrationID: integration, model: model, pageSize: 1000)
    query.order = order
    var scanned = 0
    var bytes = 0
    while true {
        let page = try await store.page(query)
        scanned += page.count
        bytes += page.itemsWire.count
        guard let next = page.nextCursor else { break }
        query.cursor = next
    }
    let scanSeconds = seconds(clock.now - start)
    print(
        String(
            format: "%@ %.0f records/s (%.2f s, %d records, %.0f MB)",
            label.padding(toLength: 38, withPad: " ", startingAt: 0),
            Double(scanned) / scanSeconds,
            scanSeconds,
            scanned,
            Double(bytes) / 1e6
        )
    )
}
try await scan(.candidate, "full scan, flat candidates:")
try await scan(.candidate, "storage-order scan, flat candidates:", order: .storage)

if environment["BENCH_UPSERT_ONLY"] == "1" { exit(0) }

// 4. Query by email (case-insensitive over all addresses).
var latencies: [Double] = []
for probe in 0..<200 {
    let index = (probe * 7_919) % total
    let email = probe % 2 == 0 ? "PERSON\(index)@example.SK" : "p\(index)@WORK.cz"
    let begin = clock.now
    let page = try await store.page(
        RecordQuery(
            integrationID: integration,
            model: .candidate,
            filter: .candidates(email: email, jobIDs: [], firstName: nil, lastName: nil)
        )
    )
    latencies.append(seconds(clock.now - begin) * 1000)
    precondition(page.records.count == 1)
}
latencies.sort()
print(String(format: "query by email:    p50 %.3f ms, p99 %.3f ms", latencies[100], latencies[198]))

// 5. updated_after returning 100 records.
let changed = (0..<100).map { candidate(($0 * 9_973) % total, title: "Staff Engineer") }
_ = try await store.upsert(.candidates(changed), integrationID: integration, at: 3_000)
latencies = []
for _ in 0..<100 {
    let begin = clock.now
    let page = try await store.page(RecordQuery(integrationID: integration, model: .candidate, updatedAfter: 2_500))
    latencies.append(seconds(clock.now - begin) * 1000)
    precondition(page.records.count == 100)
}
latencies.sort()
print(String(format: "updated_after 100: p50 %.3f ms, p99 %.3f ms", latencies[50], latencies[98]))

// 6. Nested data shaped like the demo's large preset: 2 applications per candidate (one of
// 200 jobs, one of 8 stages) and 1.5 tags (of 12), then scans with views assembled on the fly
// (stale) and kept (after the refresh the server runs in the background).
let stageIDs = (0..<8).map { RecordID.make(integrationID: integration, model: .applicationStage, remoteID: "s\($0)") }
let jobIDs = (0..<200).map { RecordID.make(integrationID: integration, model: .job, remoteID: "p\($0)") }
let tagIDs = (0..<12).map { RecordID.make(integrationID: integration, model: .tag, remoteID: "t\($0)") }
_ = try await store.upsert(
    batches: [
        .applicationStages(
            stageIDs.enumerated().map { ApplicationStage(id: $1, remoteID: "s\($0)", name: "Stage \($0)") }
        ),
        .jobs(jobIDs.enumerated().map { Job(id: $1, remoteID: "p\($0)", name: "Job \($0)", status: .open) }),
        .jobApplicationStages(
            jobIDs.enumerated().flatMap { job, jobID in
                stageIDs.enumerated().map { index, stageID in
                    JobApplicationStage(
                        id: RecordID.make(
                            integrationID: integration,
                            model: .jobApplicationStage,
                            remoteID: "p\(job)-\(index)"
                        ),
                        index: Int32(index),
                        jobID: jobID,
                        stageID: stageID
                    )
                }
            }
        ),
        .tags(tagIDs.enumerated().map { Tag(id: $1, remoteID: "t\($0)", name: "Tag \($0)") }),
    ],
    integrationID: integration,
    at: 4_000
)
var nestedSeconds = 0.0
var nestedRecords = 0
for batchStart in stride(from: 0, to: total, by: batchSize) {
    let range = batchStart..<min(total, batchStart + batchSize)
    let applications = range.flatMap { index in
        (0..<2).map { n in
            Application(
                id: RecordID.make(integrationID: integration, model: .application, remoteID: "a\(index)-\(n)"),
                remoteID: "a\(index)-\(n)",
                outcome: .pending,
                currentStageID: stageIDs[(index + n) % stageIDs.count],
                jobID: jobIDs[(index * 7 + n) % jobIDs.count],
                candidateID: candidate(index).id
            )
        }
    }
    let tags = range.flatMap { index in
        (0..<(1 + index % 2)).map { n in
            CandidateTag(
                id: RecordID.make(integrationID: integration, model: .candidateTag, remoteID: "c\(index)-\(n)"),
                candidateID: candidate(index).id,
                tagID: tagIDs[(index + n) % tagIDs.count]
            )
        }
    }
    let begin = clock.now
    _ = try await store.upsert(.applications(applications), integrationID: integration, at: 5_000)
    _ = try await store.upsert(.candidateTags(tags), integrationID: integration, at: 5_000)
    nestedSeconds += seconds(clock.now - begin)
    nestedRecords += applications.count + tags.count
}
print(
    String(
        format: "upsert applications and tags: %.0f records/s (%.1f s, %d records)",
        Double(nestedRecords) / nestedSeconds,
        nestedSeconds,
        nestedRecords
    )
)
try await scan(.candidate, "full scan, nested candidates (stale):")
try await scan(.application, "full scan, applications (stale):")
let refreshStart = clock.now
var refreshed = 0
while true {
    let count = try await store.refreshStaleViews(limit: 1000)
    refreshed += count
    if count < 1000 { break }
}
let refreshSeconds = seconds(clock.now - refreshStart)
print(
    String(
        format: "refresh kept views:                     %.0f records/s (%.1f s, %d records)",
        Double(refreshed) / refreshSeconds,
        refreshSeconds,
        refreshed
    )
)
try await scan(.candidate, "full scan, nested candidates (kept):")
try await scan(.application, "full scan, applications (kept):")
try await scan(.candidate, "storage order, nested candidates (kept):", order: .storage)
try await scan(.application, "storage order, applications (kept):", order: .storage)

// 7. Size.
let size =
    ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
    + ((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0)
print(
    String(
        format: "database size:     %.0f MB, %.0f bytes per candidate",
        Double(size) / 1e6,
        Double(size) / Double(total)
    )
)

import ATSBridgeProto
import ATSBridgeTestSupport
import BenchmarkSupport
import Foundation
import SwiftProtobuf
import SwiftProtobufModels

// Encode and decode of a typical Candidate (2 emails, 1 phone, a location, 3 tags,
// 2 applications) and of a page of 100, ATSBridge (protoc-c + generated Swift values) against
// SwiftProtobuf 1.39 on the same .proto, in one process, on one core.
//
//   BENCH_CALLS=200000  calls per round for single candidates (pages: a hundredth)
//   BENCH_ONLY=decode   run only the cases whose name contains this
//   BENCH_SIDE=ours     run only ATSBridge's side (for profiling)
//   BENCH_DUMP=/tmp/atsbridge-peer-bench/candidates-200000.bin
//                       also decode PeerBenchmarks' candidates in pages of 500 (200 jobs,
//                       8 stages, 12 tags: the page above names one job, one stage, 3 tags)

let candidate = SampleRecords.candidate()
let candidateBytes = try candidate.encode()
let page = CandidatePage(items: (0..<100).map { SampleRecords.candidate(index: $0) }, nextCursor: "c1.next")
let pageBytes = try page.encode()

let spbCandidate = try Atsbridge_V1_Candidate(serializedBytes: candidateBytes)
let spbPage = try Atsbridge_V1_CandidatePage(serializedBytes: pageBytes)
let spbBytes: [UInt8] = try spbCandidate.serializedBytes()
precondition(spbBytes == candidateBytes, "SwiftProtobuf encodes the same bytes")
let roundTripped = try Candidate(decoding: spbBytes)
precondition(roundTripped == candidate, "ATSBridge decodes SwiftProtobuf's bytes")

print("candidate: \(candidateBytes.count) bytes; page of 100: \(pageBytes.count) bytes")

let environment = ProcessInfo.processInfo.environment
let calls = Int(environment["BENCH_CALLS"] ?? "") ?? 200_000
let pageCalls = max(1, calls / 100)

struct Case {
    var name: String
    var ours: () throws -> BenchResult
    var theirs: () throws -> BenchResult
}

let only = environment["BENCH_ONLY"]
let cases = [
    Case(
        name: "encode candidate",
        ours: { try measure("atsbridge", itemsPerCall: 1, calls: calls) { try candidate.encode().count } },
        theirs: {
            try measure("swiftprotobuf", itemsPerCall: 1, calls: calls) {
                try (spbCandidate.serializedBytes() as [UInt8]).count
            }
        }
    ),
    Case(
        name: "decode candidate",
        ours: {
            try measure("atsbridge", itemsPerCall: 1, calls: calls) {
                try Candidate(decoding: candidateBytes).tags.count
            }
        },
        theirs: {
            try measure("swiftprotobuf", itemsPerCall: 1, calls: calls) {
                try Atsbridge_V1_Candidate(serializedBytes: candidateBytes).tags.count
            }
        }
    ),
    Case(
        name: "encode page of 100",
        ours: { try measure("atsbridge", itemsPerCall: 100, calls: pageCalls) { try page.encode().count } },
        theirs: {
            try measure("swiftprotobuf", itemsPerCall: 100, calls: pageCalls) {
                try (spbPage.serializedBytes() as [UInt8]).count
            }
        }
    ),
    Case(
        name: "decode page of 100",
        ours: {
            try measure("atsbridge", itemsPerCall: 100, calls: pageCalls) {
                try CandidatePage(decoding: pageBytes).items.count
            }
        },
        theirs: {
            try measure("swiftprotobuf", itemsPerCall: 100, calls: pageCalls) {
                try Atsbridge_V1_CandidatePage(serializedBytes: pageBytes).items.count
            }
        }
    ),
]

/// Whole pages of 500 of PeerBenchmarks' dump (UInt32 little-endian length, then the record),
/// each as a page message's bytes, for the "decode realistic pages" case; a last partial page is
/// left out.
func realisticPages(_ path: String) throws -> [[UInt8]] {
    let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    var pages: [[UInt8]] = []
    var page: [UInt8] = []
    var items = 0
    var offset = 0
    while offset + 4 <= data.count {
        let length = data[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | Int($1) }
        precondition(offset + 4 + length <= data.count, "a record runs past the end of \(path)")
        ProtoWire.appendLengthDelimited(field: 1, data[offset + 4..<offset + 4 + length], to: &page)
        offset += 4 + length
        items += 1
        if items == 500 {
            pages.append(page)
            page = []
            items = 0
        }
    }
    return pages
}

var allCases = cases
if let dump = environment["BENCH_DUMP"] {
    let pages = try realisticPages(dump)
    precondition(!pages.isEmpty, "\(dump) holds fewer than 500 candidates")
    let spbCheck = try Atsbridge_V1_CandidatePage(serializedBytes: pages[0])
    let decodedCount = try CandidatePage(decoding: pages[0]).items.count
    precondition(decodedCount == spbCheck.items.count, "both decode the same page")
    var next = 0
    var spbNext = 0
    allCases.append(
        Case(
            name: "decode realistic pages of 500",
            ours: {
                try measure("atsbridge", itemsPerCall: 500, calls: max(1, calls / 500)) {
                    next = (next + 1) % pages.count
                    return try CandidatePage(decoding: pages[next]).items.count
                }
            },
            theirs: {
                try measure("swiftprotobuf", itemsPerCall: 500, calls: max(1, calls / 500)) {
                    spbNext = (spbNext + 1) % pages.count
                    return try Atsbridge_V1_CandidatePage(serializedBytes: pages[spbNext]).items.count
                }
            }
        )
    )
}

print("| operation | ATSBridge (candidates/s, median / best) | SwiftProtobuf (median / best) | ratio (median) |")
print("| --- | --- | --- | --- |")
for benchCase in allCases where only.map({ benchCase.name.contains($0) }) ?? true {
    let ours = try benchCase.ours()
    let theirs = environment["BENCH_SIDE"] == "ours" ? ours : try benchCase.theirs()
    let ratio = ours.median / theirs.median
    print(
        "| \(benchCase.name) | \(formatRate(ours.median)) / \(formatRate(ours.best)) "
            + "| \(formatRate(theirs.median)) / \(formatRate(theirs.best)) | \(String(format: "%.2f", ratio))× |"
    )
}

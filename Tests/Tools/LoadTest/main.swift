import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import Foundation
import Synchronization

// A load test against a running `atsbridge serve` (scripts/load-test.sh starts one): export
// streams that re-export candidates in a loop, plus writers creating applications, for a fixed
// time; samples the server's RSS (by pid) every 100 ms. Any failed call is an error. Prints
// totals, rates, write latency percentiles and the peak RSS; exits non-zero on an error or when
// the peak RSS is over --max-rss-mb.
//
//   LoadTest --server 127.0.0.1:7420 --key KEY --integration demo --pid PID \
//            [--seconds 60] [--exports 64] [--writers 16] [--max-rss-mb 1024]

struct Options {
    var host = "127.0.0.1"
    var port = 7420
    var key = ""
    var integration = "demo"
    var pid: Int32 = 0
    var seconds = 60
    var exports = 64
    var writers = 16
    var maxRSSMegabytes = 1024

    init(_ arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let name = iterator.next() {
            let value = iterator.next() ?? ""
            switch name {
            case "--server":
                let parts = value.split(separator: ":")
                self.host = String(parts.first ?? "127.0.0.1")
                self.port = Int(parts.last ?? "") ?? self.port
            case "--key": self.key = value
            case "--integration": self.integration = value
            case "--pid": self.pid = Int32(value) ?? 0
            case "--seconds": self.seconds = Int(value) ?? self.seconds
            case "--exports": self.exports = Int(value) ?? self.exports
            case "--writers": self.writers = Int(value) ?? self.writers
            case "--max-rss-mb": self.maxRSSMegabytes = Int(value) ?? self.maxRSSMegabytes
            default:
                FileHandle.standardError.write(Data("unknown option \(name)\n".utf8))
                exit(2)
            }
        }
    }
}

/// Counters shared by the workers.
final class Tally: Sendable {
    struct State {
        var exports = 0
        var records = 0
        var writes = 0
        var writeLatencies: [Duration] = []
        var errors: [String: Int] = [:]
        var peakRSS = 0
    }

    let state = Mutex(State())
}

func rss(of pid: Int32) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return (line.split(separator: " ").compactMap { Int($0) }.first ?? 0) << 10
    }
    return 0
}

func name(of error: any Error) -> String {
    (error as? ATSBridgeError)?.code.dotted ?? "\(type(of: error))"
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
func client() -> RPCClient {
    RPCClient(
        configuration: RPCClientConfiguration(
            host: options.host,
            port: options.port,
            apiKey: options.key,
            integrationID: options.integration
        )
    )
}

let tally = Tally()
let setup = client()
var jobs: [String] = []
for try await page in setup.serverStreaming(
    AtsReadService.listJobs,
    ListJobsRequest(page: PageRequest(pageSize: 1000))
) {
    jobs += page.items.filter { $0.status == .open }.map(\.id)
}
await setup.close()
guard !jobs.isEmpty else {
    print("LoadTest: no open job to apply to")
    exit(1)
}
let openJobs = jobs
let deadline = ContinuousClock.now + .seconds(options.seconds)
let started = ContinuousClock.now

await withTaskGroup(of: Void.self) { group in
    group.addTask {
        while ContinuousClock.now < deadline {
            let bytes = rss(of: options.pid)
            tally.state.withLock { $0.peakRSS = max($0.peakRSS, bytes) }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
    for _ in 0..<options.exports {
        group.addTask {
            let exporter = client()
            while ContinuousClock.now < deadline {
                do {
                    var records = 0
                    let request = ListCandidatesRequest(page: PageRequest(pageSize: 500))
                    for try await page in exporter.serverStreaming(AtsReadService.listCandidates, request) {
                        records += page.items.count
                        if ContinuousClock.now >= deadline { break }
                    }
                    tally.state.withLock {
                        $0.exports += 1
                        $0.records += records
                    }
                } catch {
                    tally.state.withLock { $0.errors[name(of: error), default: 0] += 1 }
                }
            }
            await exporter.close()
        }
    }
    for writer in 0..<options.writers {
        group.addTask {
            let connection = client()
            var serial = 0
            while ContinuousClock.now < deadline {
                serial += 1
                let request = CreateApplicationRequest(
                    jobID: openJobs[(writer * 7919 + serial) % openJobs.count],
                    candidate: CandidateInput(
                        firstName: "Load",
                        lastName: "Writer \(writer)-\(serial)",
                        emailAddress: "load\(writer)x\(serial)x\(UInt32.random(in: 0...UInt32.max))@example.sk",
                        location: Location(city: "Košice", country: "SK")
                    )
                )
                let begin = ContinuousClock.now
                do {
                    _ = try await connection.unary(AtsWriteService.createApplication, request)
                    tally.state.withLock {
                        $0.writes += 1
                        $0.writeLatencies.append(ContinuousClock.now - begin)
                    }
                } catch {
                    tally.state.withLock { $0.errors[name(of: error), default: 0] += 1 }
                }
            }
            await connection.close()
        }
    }
}

let elapsed = ContinuousClock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let result = tally.state.withLock { $0 }
let latencies = result.writeLatencies.sorted()
func milliseconds(_ duration: Duration?) -> Double {
    guard let duration else { return 0 }
    return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}
print(
    String(
        format:
            "LoadTest: %d export streams + %d writers for %.0f s: %d exports (%d records, %.0f records/s), %d writes (%.1f writes/s, p50 %.1f ms, p99 %.1f ms), %d errors, server peak RSS %d MiB",
        options.exports,
        options.writers,
        seconds,
        result.exports,
        result.records,
        Double(result.records) / seconds,
        result.writes,
        Double(result.writes) / seconds,
        milliseconds(latencies.isEmpty ? nil : latencies[latencies.count / 2]),
        milliseconds(latencies.isEmpty ? nil : latencies[latencies.count * 99 / 100]),
        result.errors.values.reduce(0, +),
        result.peakRSS >> 20
    )
)
if !result.errors.isEmpty { print("LoadTest: errors by code: \(result.errors)") }
exit(result.errors.isEmpty && result.peakRSS >> 20 <= options.maxRSSMegabytes ? 0 : 1)

import Foundation

/// The command line of PeerBenchmarks: `[--candidates N] [--rounds N] [--pings N] [--floors PATH]
/// [--read-ahead LIST]`, or a server mode (`serve-grpc FILE`, `serve-json FILE`) that the driver spawns.
struct Options: Sendable {
    /// Candidates each side streams per round.
    var candidates = 200_000
    /// Rounds of A B C.
    var rounds = 3
    /// Sequential pings per round (64 in flight: ten times as many).
    var pings = 5_000
    /// Candidates per streamed page (ATSBridge and grpc-swift-2).
    var streamPage = 500
    /// Candidates per JSON page, as the unified REST APIs allow.
    var jsonPage = 250
    /// The floors program (`Benchmarks/floors.sh` builds it), run in every round when given.
    var floors: String?
    /// Read-ahead depths to compare (`--read-ahead 0,1,2`): then only ATSBridge's typed stream
    /// runs, once per depth in each round, and no peer.
    var readAheadSweep: [Int]?

    /// Parses `arguments` (without the executable); exits with a usage line on bad input.
    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            if flag == "--floors" {
                guard let path = rest.popFirst() else { usage("--floors needs the floors program's path") }
                options.floors = path
                continue
            }
            if flag == "--read-ahead" {
                let depths = rest.popFirst()?.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
                guard let depths, !depths.isEmpty, depths.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                    usage("--read-ahead needs a comma-separated list of depths of 0 or more, such as 0,1,2")
                }
                options.readAheadSweep = depths.compactMap { $0 }
                continue
            }
            guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else {
                usage("\(flag) needs a positive number")
            }
            switch flag {
            case "--candidates": options.candidates = value
            case "--rounds": options.rounds = value
            case "--pings": options.pings = value
            default: usage("unknown flag \(flag)")
            }
        }
        return options
    }

    private static func usage(_ problem: String) -> Never {
        let usage =
            "usage: PeerBenchmarks [--candidates N] [--rounds N] [--pings N] [--floors PATH] [--read-ahead LIST]"
        FileHandle.standardError.write(Data("PeerBenchmarks: \(problem)\n\(usage)\n".utf8))
        exit(64)
    }
}

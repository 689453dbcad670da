import Foundation

/// The command line of PeerBenchmarks: `[--candidates N] [--rounds N] [--pings N] [--floors PATH]`, or a server
/// mode (`serve-grpc FILE`, `serve-json FILE`) that the driver spawns.
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
        FileHandle.standardError.write(
            Data(
                "PeerBenchmarks: \(problem)\nusage: PeerBenchmarks [--candidates N] [--rounds N] [--pings N] [--floors PATH]\n"
                    .utf8
            )
        )
        exit(64)
    }
}

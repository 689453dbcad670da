import ATSBridgeClient
import Foundation

extension Driver {
    /// ATSBridge's typed stream alone, once per read-ahead depth in each round (alternated, so
    /// the depths share the same minutes): its rate, both sides' CPU per candidate, and the cores
    /// they kept busy, which shows how much of the machine each depth leaves idle.
    static func sweepReadAhead(_ depths: [Int], options: Options, client: RPCClient, server: Child) async throws {
        _ = try await Self.atsbridgeStream(client: client, pageSize: options.streamPage)
        print("\n| round | read-ahead | rate | CPU per candidate, client + server | cores busy |")
        print("| --- | --- | --- | --- | --- |")
        for round in 1...options.rounds {
            for depth in depths {
                let run = try await timeStream(expect: options.candidates, server: server) {
                    try await Self.atsbridgeStream(client: client, pageSize: options.streamPage, readAhead: depth)
                }
                print(
                    "| \(round) | \(depth) | \(String(format: "%.0f k/s", run.rate / 1000)) "
                        + "| \(run.cpuText) "
                        + "| \(String(format: "%.2f", run.coresBusy)) |"
                )
            }
        }
    }
}

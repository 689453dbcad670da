import Foundation

// Peers in the same run: ATSBridge's streaming export and Ping (A), grpc-swift-2 (B) and a JSON
// paging API (C), alternated A B C per round so the ratios come from the same minutes. Each
// server runs in its own process; this process is the client of all three.
//
//   swift build -c release --product atsbridge && swift run -c release PeerBenchmarks
//   PeerBenchmarks [--candidates 200000] [--rounds 3] [--pings 5000] [--floors .build/floors]
//   PeerBenchmarks --read-ahead 0,1,2 [--rounds 3]     ATSBridge's typed stream alone, per depth
//   PeerBenchmarks serve-grpc FILE | serve-json FILE     the peer servers (spawned by the driver)

let arguments = Array(CommandLine.arguments.dropFirst())
// A bad flag or a missing part is a message and exit status 1, not a crash report.
do {
    switch arguments.first {
    case "serve-grpc" where arguments.count == 2: try await GRPCPeer.serve(recordsPath: arguments[1])
    case "serve-json" where arguments.count == 2: try await JSONPeer.serve(recordsPath: arguments[1])
    default: try await Driver(options: Options.parse(arguments)).run()
    }
} catch {
    FileHandle.standardError.write(Data("PeerBenchmarks: \(error)\n".utf8))
    exit(1)
}

import ATSBridgeProto
import ATSBridgeTestSupport
import Foundation
import Testing

/// `atsbridge call` against a real `serve --demo` process: any method, JSON in and out.
@Suite(.serialized) struct CallCommandTests {
    private func objects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func listNamesEveryMethodOfTheSchema() async throws {
        let list = try await CLIProcess.run(["call", "--list"])
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == ServiceCatalog.methods.count)
        #expect(
            lines.contains(
                "/atsbridge.v1.AtsRead/ListCandidates  atsbridge.v1.ListCandidatesRequest -> stream atsbridge.v1.CandidatePage"
            )
        )
        #expect(lines.contains("/atsbridge.v1.Health/Ping  atsbridge.v1.PingRequest -> atsbridge.v1.PingResponse"))
    }

    @Test func callsUnaryAndStreamingMethodsWithJSON() async throws {
        let demo = DemoServer()
        try await demo.start()
        defer { demo.process.signal(SIGTERM) }
        let env = demo.environment

        let ping = try await CLIProcess.run(["call", "/atsbridge.v1.Health/Ping"], environment: env)
        #expect(ping.status == 0, "\(ping.stderr)")
        #expect(try self.objects(ping.stdout).first?["server_version"] is String)

        let page = try await CLIProcess.run(
            ["call", "/atsbridge.v1.AtsRead/GetCandidatePage", #"{"page":{"page_size":2}}"#],
            environment: env
        )
        #expect(page.status == 0, "\(page.stderr)")
        let first = try #require(try self.objects(page.stdout).first)
        #expect((first["items"] as? [Any])?.count == 2)
        let cursor = try #require(first["next_cursor"] as? String)

        // The cursor goes back in, through stdin.
        let next = try await CLIProcess.run(
            ["call", "AtsRead/GetCandidatePage", "-"],
            environment: env,
            stdin: #"{"page":{"page_size":2,"cursor":"\#(cursor)"}}"#
        )
        #expect(next.status == 0, "\(next.stderr)")
        let firstIDs = (first["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        let nextIDs =
            (try self.objects(next.stdout).first?["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            ?? []
        #expect(nextIDs.count == 2 && Set(nextIDs).isDisjoint(with: firstIDs))

        let stream = try await CLIProcess.run(
            ["call", "AtsRead/ListCandidates", #"{"page":{"page_size":25}}"#],
            environment: env
        )
        #expect(stream.status == 0, "\(stream.stderr)")
        let pages = try self.objects(stream.stdout)
        #expect(pages.count == 3)
        let ids = pages.flatMap { ($0["items"] as? [[String: Any]]) ?? [] }.compactMap { $0["id"] as? String }
        #expect(ids.count == 60 && Set(ids).count == 60)

        let missing = try await CLIProcess.run(
            ["call", "AtsRead/GetCandidate", #"{"id":"111111111111111111111111"}"#],
            environment: env
        )
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("NOT_FOUND"))
    }

    @Test(arguments: [
        (["call", "AtsRead/NoSuchMethod"], "unknown method"),
        (["call", "AtsRead/GetCandidatePage", "{not json"], "not valid JSON"),
        (["call", "AtsRead/GetCandidatePage", #"{"page":{"pagesize":2}}"#], "unknown field 'pagesize'"),
        (["call", "AtsRead/GetCandidatePage", #"{"page":{"page_size":"2x"}}"#], "page.page_size"),
        (["call"], "name a method"),
    ])
    func badCallsAreUsageErrors(arguments: [String], message: String) async throws {
        let result = try await CLIProcess.run(arguments, environment: ["ATSBRIDGE_SERVER": "127.0.0.1:1"])
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}

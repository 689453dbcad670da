import ATSBridgeTestSupport
import Foundation
import Testing

/// A server whose PostgreSQL connections are cut: the calls meeting it fail UNAVAILABLE, the
/// pool reconnects, and the server stays up.
extension ScaleOutTests {
    @Test func callsCutOffFromPostgreSQLFailUnavailableAndTheServerRecovers() async throws {
        try await self.withCluster(instances: 1) { cluster in
            let server = cluster.servers[0]
            let id = try await cluster.addIntegration(through: server)
            let database = String(URLComponents(string: cluster.database)?.path.dropFirst() ?? "")
            try await TestPostgres.psql(
                try TestPostgres.url().string ?? "",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)'"
            )
            // Each call either succeeds on a new connection or fails UNAVAILABLE; soon they succeed.
            var statuses: [Int32] = []
            try await eventually(timeout: .seconds(30), "reads succeed again") {
                let read = try await CLIProcess.run(
                    ["get", "candidates", "--limit", "5", "--format", "ndjson"],
                    environment: server.environment(integration: id)
                )
                statuses.append(read.status)
                #expect(read.status == 0 || read.status == 69, "\(read.stderr)")
                return read.status == 0
            }
            #expect(server.process?.isRunning == true, "the server did not die with its connections: \(statuses)")
        }
    }
}

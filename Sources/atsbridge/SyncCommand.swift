import ATSBridgeClient
import ATSBridgeProto
import ArgumentParser

/// `atsbridge sync`: start a sync of an integration, and optionally wait for it.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Start a sync of the integration (admin key); a running one is shown instead.",
        discussion: """
            Without --full the server chooses (DELTA unless a full sync is due). With --wait \
            the command waits and exits non-zero when the sync fails. The integration is \
            --integration or ATSBRIDGE_INTEGRATION, else the only one there is.

            Examples:
              atsbridge sync --integration demo --wait
              atsbridge sync --full --wait
            """
    )

    static let columns = [
        "id", "type", "state", "started_at", "finished_at", "created", "updated", "deleted", "error_code",
    ]

    @OptionGroup var client: ClientOptions
    @Flag(help: "Run a FULL sync (re-list everything, tombstone what disappeared).") var full = false
    @Flag(help: "Wait until the sync ends.") var wait = false
    @Option(help: "table, json or ndjson.") var format = OutputFormat.table

    func run() async throws {
        try await CLIFailure.run {
            let run = try await self.client.withClient { client, options in
                let integrationID = try await self.client.adminIntegrationID(nil, client, options)
                var run = try await client.unary(
                    AdminService.triggerSync,
                    TriggerSyncRequest(integrationID: integrationID, type: self.full ? .full : nil),
                    options: options
                )
                while self.wait, run.state == .queued || run.state == .running {
                    try await Task.sleep(for: .milliseconds(250))
                    let status = try await client.unary(
                        AdminService.getSyncStatus,
                        SyncStatusRequest(integrationID: integrationID, limit: 20),
                        options: options
                    )
                    run = status.runs.first { $0.id == run.id } ?? run
                }
                return run
            }
            self.format.printOne(run, columns: Self.columns)
            if self.wait, run.state != .succeeded { throw ExitCode(75) }
        }
    }
}

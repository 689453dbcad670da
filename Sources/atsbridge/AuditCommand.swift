import ATSBridgeClient
import ATSBridgeProto
import ArgumentParser

/// `atsbridge audit`: the audit log, newest first (admin key not limited to integrations).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the audit log of writes and admin actions, newest first.",
        discussion: """
            Each entry: when, the key's name, the method, the integration and other ids, the outcome.

            Examples:
              atsbridge audit --limit 20
              atsbridge audit --for-integration int_7Yc… --format ndjson
              atsbridge audit --before 1200
            """
    )

    static let columns = [
        "sequence", "at", "key_name", "method", "integration_id", "target_ids", "status", "error_code",
    ]

    @OptionGroup var client: ClientOptions
    @Option(help: "Entries older than this sequence (the next page).") var before: UInt64?
    @Option(help: "How many entries, at most 1000.") var limit: UInt32 = 100
    @Option(help: "Only entries of this integration.") var forIntegration: String?
    @Option(help: "table, json or ndjson.") var format = OutputFormat.table

    func run() async throws {
        try await CLIFailure.run {
            let request = ListAuditEntriesRequest(
                beforeSequence: self.before,
                limit: self.limit,
                integrationID: self.forIntegration
            )
            let page = try await self.client.withClient { client, options in
                try await client.unary(AdminService.listAuditEntries, request, options: options)
            }
            self.format.print(page.entries, columns: Self.columns)
            if let next = page.nextBeforeSequence, self.format == .table {
                Terminal.error("more: --before \(next)")
            }
        }
    }
}

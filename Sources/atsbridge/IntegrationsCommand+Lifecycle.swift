import ATSBridgeClient
import ATSBridgeProto
import ArgumentParser

/// `integrations update` and `integrations rotate-credentials`: changes in place that keep the
/// integration's id and every record id.
extension IntegrationsCommand {
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an integration's name or settings; options not given keep their value.",
            discussion: """
                Examples:
                  atsbridge integrations update int_7Yc… --sync-interval 1h
                  atsbridge integrations update int_7Yc… --sync-only-created-applications false
                  atsbridge integrations update int_7Yc… --source-writing true \\
                    --source-name "Job board"
                  atsbridge integrations update int_7Yc… --max-requests-per-second 3 \\
                    --fetch-concurrency 2
                """
        )
        @OptionGroup var client: ClientOptions
        @Argument(help: "The integration id.") var id: String
        @Option(help: "A new display name.") var name: String?
        @Option(help: "Interval between syncs, e.g. 1h (at least 1m).") var syncInterval: String?
        @Option(help: "true or false: mirror only candidates and applications created through ATSBridge.")
        var syncOnlyCreatedApplications: Bool?
        @Option(help: "true or false: set a source on candidates created through ATSBridge.")
        var sourceWriting: Bool?
        @Option(help: "The source name written on created candidates.") var sourceName: String?
        @Option(help: "Most requests per second its syncs send to RECRU, 0.1 to 1000.")
        var maxRequestsPerSecond: Double?
        @Option(help: "RECRU list pages its syncs fetch at once, 1 to 32.") var fetchConcurrency: UInt32?
        @Option(help: "table, json or ndjson.") var format = OutputFormat.table

        func run() async throws {
            try await CLIFailure.run {
                var settings = IntegrationSettings(
                    syncOnlyCreatedApplications: self.syncOnlyCreatedApplications,
                    sourceWritingEnabled: self.sourceWriting,
                    sourceName: self.sourceName
                )
                settings.maxRequestsPerSecond = self.maxRequestsPerSecond
                settings.fetchConcurrency = self.fetchConcurrency
                if let interval = self.syncInterval {
                    settings.syncIntervalMs = try IntegrationsCommand.milliseconds(interval)
                }
                let request = UpdateIntegrationRequest(integrationID: self.id, settings: settings, name: self.name)
                let updated = try await self.client.withClient { client, options in
                    try await client.unary(AdminService.updateIntegration, request, options: options)
                }
                self.format.print([updated], columns: IntegrationsCommand.columns + ["settings"])
            }
        }
    }

    struct RotateCredentials: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-credentials",
            abstract: "Replace the RECRU credentials: checked by a login, then sealed; ids stay the same.",
            discussion: """
                The password is read from --password-stdin or $ATSBRIDGE_RECRU_PASSWORD, never from a flag.

                Examples:
                  printf '%s' "$PW" | atsbridge integrations rotate-credentials \\
                    int_7Yc… --password-stdin
                  printf '%s' "$PW" | atsbridge integrations rotate-credentials \\
                    int_7Yc… --login new@acme.eu --password-stdin
                """
        )
        @OptionGroup var client: ClientOptions
        @Argument(help: "The integration id.") var id: String
        @Option(help: "A new login (default: keep the stored one).") var login: String?
        @Flag(help: "Read the password from standard input.") var passwordStdin = false

        func run() async throws {
            try await CLIFailure.run {
                let password = try IntegrationsCommand.password(fromStdin: self.passwordStdin)
                let request = RotateIntegrationCredentialsRequest(
                    integrationID: self.id,
                    login: self.login,
                    password: password
                )
                let updated = try await self.client.withClient { client, options in
                    try await client.unary(AdminService.rotateIntegrationCredentials, request, options: options)
                }
                OutputFormat.table.print([updated], columns: IntegrationsCommand.columns)
            }
        }
    }
}

import ATSBridgeApp
import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ArgumentParser
import Foundation

/// `atsbridge integrations …`: connected RECRU accounts (admin key).
struct IntegrationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integrations",
        abstract: "Connect, list, show, update, pause, resume and remove RECRU integrations (admin key).",
        discussion: """
            show and coverage act on the integration given as argument, else --integration or \
            ATSBRIDGE_INTEGRATION, else the only one there is.

            Examples:
              atsbridge integrations add --tenant-url https://acme.recru.eu \\
                --login api@acme.eu --password-stdin
              atsbridge integrations list --format table
              atsbridge integrations show int_7Yc… --format json
              atsbridge integrations show int_7Yc… --runs 50 --all
              atsbridge integrations update int_7Yc… --sync-interval 1h \\
                --source-name "Job board"
              printf '%s' "$PW" | atsbridge integrations rotate-credentials \\
                int_7Yc… --password-stdin
              atsbridge integrations pause int_7Yc…
              atsbridge integrations rm int_7Yc… --yes
              atsbridge integrations coverage --integration demo
            """,
        subcommands: [
            Add.self, List.self, Show.self, Update.self, RotateCredentials.self, Pause.self, Resume.self, Remove.self,
            Coverage.self,
        ]
    )

    static let columns = ["id", "name", "status", "setup_status", "tenant_url", "last_sync_finished_at"]

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect a RECRU account: the credentials are checked by a login and stored encrypted.",
            discussion: """
                The password is read from --password-stdin or $ATSBRIDGE_RECRU_PASSWORD, never from a flag.

                Examples:
                  printf '%s' "$PW" | atsbridge integrations add \\
                    --tenant-url https://acme.recru.eu --login api@acme.eu --password-stdin
                """
        )
        @OptionGroup var client: ClientOptions
        @Option(help: "The RECRU tenant's URL, e.g. https://acme.recru.eu.") var tenantUrl: String
        @Option(help: "The RECRU API user's login.") var login: String
        @Flag(help: "Read the password from standard input.") var passwordStdin = false
        @Option(help: "A display name.") var name: String?
        @Option(help: "Interval between syncs, e.g. 3h.") var syncInterval: String?
        @Flag(help: "Mirror only candidates and applications created through ATSBridge.")
        var syncOnlyCreatedApplications = false
        @Option(help: "Most requests per second its syncs send to RECRU (default the server's).")
        var maxRequestsPerSecond: Double?
        @Option(help: "RECRU list pages its syncs fetch at once (default the server's).") var fetchConcurrency: UInt32?
        @Option(help: "table, json or ndjson.") var format = OutputFormat.table

        func run() async throws {
            try await CLIFailure.run {
                let password = try IntegrationsCommand.password(fromStdin: self.passwordStdin)
                var settings = IntegrationSettings()
                if self.syncOnlyCreatedApplications { settings.syncOnlyCreatedApplications = true }
                settings.maxRequestsPerSecond = self.maxRequestsPerSecond
                settings.fetchConcurrency = self.fetchConcurrency
                if let interval = self.syncInterval {
                    settings.syncIntervalMs = try IntegrationsCommand.milliseconds(interval)
                }
                let request = CreateIntegrationRequest(
                    name: self.name,
                    tenantURL: self.tenantUrl,
                    login: self.login,
                    password: password,
                    settings: settings
                )
                let created = try await self.client.withClient { client, options in
                    try await client.unary(AdminService.createIntegration, request, options: options)
                }
                self.format.printOne(created, columns: IntegrationsCommand.columns)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List integrations with their status.")
        @OptionGroup var client: ClientOptions
        @Option(help: "table, json or ndjson.") var format = OutputFormat.table

        func run() async throws {
            try await CLIFailure.run {
                let list = try await self.client.withClient { client, options in
                    try await client.unary(AdminService.listIntegrations, ListIntegrationsRequest(), options: options)
                }
                self.format.print(list.integrations, columns: IntegrationsCommand.columns)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an integration and its sync history, newest first, a page at a time.",
            discussion: """
                A page that has more after it ends with the --cursor of the next one (on stderr).

                Examples:
                  atsbridge integrations show demo
                  atsbridge integrations show demo --runs 50 --cursor r1:1764473786889:run_4Zq…
                  atsbridge integrations show demo --all --format ndjson
                """
        )
        /// The run columns of the table: the sync's, and how it paced its requests.
        static let runColumns = SyncCommand.columns + ["remote_requests", "effective_requests_per_second"]

        @OptionGroup var client: ClientOptions
        @Argument(help: "The integration id (default: --integration, or the only one).") var id: String?
        @Option(help: "Runs per page, 1 to 200.") var runs = 10
        @Option(help: "Show the page after this one (the cursor a previous page printed).") var cursor: String?
        @Flag(help: "Show every run, paging through the whole history.") var all = false
        @Option(help: "table, json or ndjson.") var format = OutputFormat.table

        func validate() throws {
            guard (1...200).contains(self.runs) else { throw ValidationError("--runs must be from 1 to 200") }
        }

        func run() async throws {
            try await CLIFailure.run {
                let (status, next) = try await self.client.withClient { client, options in
                    let integrationID = try await self.client.adminIntegrationID(self.id, client, options)
                    var status = try await client.unary(
                        AdminService.getSyncStatus,
                        SyncStatusRequest(integrationID: integrationID, limit: 1),
                        options: options
                    )
                    var runs: [SyncRun] = []
                    var cursor = self.cursor
                    repeat {
                        let page = try await client.unary(
                            AdminService.listSyncRuns,
                            ListSyncRunsRequest(
                                integrationID: integrationID,
                                pageSize: UInt32(self.runs),
                                cursor: cursor
                            ),
                            options: options
                        )
                        runs += page.runs
                        cursor = page.nextCursor
                    } while self.all && cursor != nil
                    status.runs = runs
                    return (status, cursor)
                }
                if self.format == .table {
                    self.format.print(status.integration.map { [$0] } ?? [], columns: IntegrationsCommand.columns)
                    Terminal.line("")
                    self.format.print(status.runs, columns: Self.runColumns)
                } else {
                    self.format.printOne(status, columns: [])
                }
                if let next { Terminal.error("more runs: --cursor \(next)") }
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause an integration: no syncs until resumed.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The integration id.") var id: String

        func run() async throws {
            try await change(self.client, AdminService.pauseIntegration, self.id)
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused (or INVALID) integration.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The integration id.") var id: String

        func run() async throws {
            try await change(self.client, AdminService.resumeIntegration, self.id)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm",
            abstract: "Remove an integration and all its mirrored data."
        )
        @OptionGroup var client: ClientOptions
        @Argument(help: "The integration id.") var id: String
        @Flag(help: "Confirm: this deletes every record of the integration.") var yes = false

        func run() async throws {
            try await CLIFailure.run {
                guard self.yes else { throw CLIFailure.usage("removing deletes all the integration's data; add --yes") }
                let response = try await self.client.withClient { client, options in
                    try await client.unary(
                        AdminService.deleteIntegration,
                        IntegrationRequest(integrationID: self.id),
                        options: options
                    )
                }
                Terminal.line("removed \(self.id) and \(response.deletedRecords ?? 0) records")
            }
        }
    }

    struct Coverage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what ATSBridge reads and writes for the integration, field by field."
        )
        @OptionGroup var client: ClientOptions
        @Argument(help: "The integration id (default: --integration, or the only one).") var id: String?

        func run() async throws {
            try await CLIFailure.run {
                let coverage = try await self.client.withClient { client, options in
                    try await client.unary(
                        AdminService.getCoverage,
                        IntegrationRequest(
                            integrationID: try await self.client.adminIntegrationID(self.id, client, options)
                        ),
                        options: options
                    )
                }
                OutputFormat.json.printOne(coverage, columns: [])
            }
        }
    }

    /// The RECRU password from standard input or `ATSBRIDGE_RECRU_PASSWORD`, never from a flag.
    static func password(fromStdin: Bool) throws -> String {
        if fromStdin {
            return try Terminal.standardInputText(atMost: 4096, what: "the password").trimmingCharacters(in: .newlines)
        }
        if let fromEnvironment = ProcessInfo.processInfo.environment["ATSBRIDGE_RECRU_PASSWORD"] {
            return fromEnvironment
        }
        throw CLIFailure.usage("give the password with --password-stdin or ATSBRIDGE_RECRU_PASSWORD")
    }

    /// A duration flag (`3h`, `90m`) in milliseconds.
    static func milliseconds(_ text: String) throws -> Int64 {
        do {
            return try ServeConfiguration.duration(text, field: "--sync-interval").milliseconds
        } catch let error as ATSBridgeError {
            throw CLIFailure.usage(error.message)
        }
    }

    static func change(
        _ options: ClientOptions,
        _ method: MethodDescriptor<IntegrationRequest, Integration>,
        _ id: String
    ) async throws {
        try await CLIFailure.run {
            let integration = try await options.withClient { client, callOptions in
                try await client.unary(method, IntegrationRequest(integrationID: id), options: callOptions)
            }
            OutputFormat.table.print([integration], columns: Self.columns)
        }
    }
}

private func change(
    _ options: ClientOptions,
    _ method: MethodDescriptor<IntegrationRequest, Integration>,
    _ id: String
) async throws {
    try await IntegrationsCommand.change(options, method, id)
}

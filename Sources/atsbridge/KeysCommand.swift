import ATSBridgeClient
import ATSBridgeProto
import ArgumentParser

/// `atsbridge keys …`: API keys as managed data (an admin key limited to no integration).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys (admin key not limited to integrations).",
        discussion: """
            The secret of a created key is printed once and never again: the server keeps only its hash.
            A revoked key is refused from the next call on, by every server sharing the store.

            Examples:
              atsbridge keys create jobboard-prod --role write --integration-scope int_7Yc…
              atsbridge keys list
              atsbridge keys revoke jobboard-prod
            """,
        subcommands: [Create.self, List.self, Revoke.self]
    )

    static let columns = ["name", "role", "integration_ids", "origin", "created_at", "last_used_at"]

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key; its secret is printed once, on the first line of standard output."
        )
        @OptionGroup var client: ClientOptions
        @Argument(help: "The key's name: letters, digits, '.', '_' or '-'.") var name: String
        @Option(help: "read, write or admin.") var role: String
        @Option(help: "Limit the key to this integration (repeatable); none means all.")
        var integrationScope: [String] = []

        func run() async throws {
            try await CLIFailure.run {
                let role: KeyRole =
                    switch self.role.lowercased() {
                    case "read": .read
                    case "write": .write
                    case "admin": .admin
                    default: throw CLIFailure.usage("--role must be read, write or admin")
                    }
                let request = CreateApiKeyRequest(name: self.name, role: role, integrationIDs: self.integrationScope)
                let created = try await self.client.withClient { client, options in
                    try await client.unary(AdminService.createApiKey, request, options: options)
                }
                Terminal.line(created.secret ?? "")
                Terminal.error("the secret above is shown only now; store it in a secret store")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List keys: names, roles, scopes, origin, created and last-used times (never secrets)."
        )
        @OptionGroup var client: ClientOptions
        @Option(help: "table, json or ndjson.") var format = OutputFormat.table

        func run() async throws {
            try await CLIFailure.run {
                let list = try await self.client.withClient { client, options in
                    try await client.unary(AdminService.listApiKeys, ListApiKeysRequest(), options: options)
                }
                self.format.print(list.keys, columns: KeysCommand.columns)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Revoke a key by name. A configured key comes back at the next start unless removed from the configuration."
        )
        @OptionGroup var client: ClientOptions
        @Argument(help: "The key's name.") var name: String

        func run() async throws {
            try await CLIFailure.run {
                _ = try await self.client.withClient { client, options in
                    try await client.unary(
                        AdminService.revokeApiKey,
                        RevokeApiKeyRequest(name: self.name),
                        options: options
                    )
                }
                Terminal.line("revoked \(self.name)")
            }
        }
    }
}

import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ArgumentParser

/// `atsbridge get <model>`: read records of an integration.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Read records of a model: one by id, or a filtered list.",
        discussion: """
            Models: \(CLIModels.names.joined(separator: ", ")).
            JSON uses the unified API's snake_case names and ISO-8601 UTC times.

            Examples:
              atsbridge get candidates --format table
              atsbridge get candidates --id 3NP1SPRaNVZfrV43g5FstSKJ --format json
              atsbridge get candidates --email jana@example.sk --format ndjson
              atsbridge get applications --updated-after 2026-11-01T00:00:00Z --limit 500 --format ndjson
            """
    )

    @OptionGroup var client: ClientOptions
    @Argument(help: "The model, e.g. candidates.") var model: String
    @Option(help: "Only these ATSBridge ids (repeatable).") var id: [String] = []
    @Option(help: "Only records changed (or whose nested data changed) after this RFC 3339 time.")
    var updatedAfter: String?
    @Flag(help: "Include records deleted in RECRU.") var includeDeleted = false
    @Option(help: "Candidates: only those with this email address.") var email: String?
    @Option(help: "Jobs: only those whose name contains this text.") var nameContains: String?
    @Option(help: "At most this many records.") var limit = 100
    @Option(help: "table, json or ndjson.") var format = OutputFormat.table

    func validate() throws {
        guard self.limit > 0 else { throw ValidationError("--limit must be positive") }
        if let time = self.updatedAfter, ISODates.parse(time) == nil {
            throw ValidationError("--updated-after must be \(ISODates.acceptedFormat), not '\(time)'")
        }
    }

    func run() async throws {
        try await CLIFailure.run {
            try await self.client.withClient(needsIntegration: true) { client, options in
                try await CLIModels.visit(self.model, Reader(command: self, client: client, options: options))
            }
        }
    }

    /// The list request's filters.
    func pageRequest(size: Int, cursor: String? = nil) -> PageRequest {
        PageRequest(
            pageSize: UInt32(min(1000, size)),
            cursor: cursor,
            updatedAfter: self.updatedAfter.flatMap(ISODates.parse),
            includeDeleted: self.includeDeleted ? true : nil,
            ids: self.id
        )
    }

    private struct Reader: CLIModelVisitor {
        let command: GetCommand
        let client: RPCClient
        let options: CallOptions

        func visit<M: CLIModel>(_ model: M.Type) async throws {
            if self.command.id.count == 1, self.command.updatedAfter == nil {
                let record = try await self.client.unary(
                    M.get,
                    GetRequest(id: self.command.id[0], includeDeleted: self.command.includeDeleted ? true : nil),
                    options: self.options
                )
                self.command.format.print([record], columns: M.columns)
                return
            }
            var records: [M.Page.Item] = []
            var cursor: String?
            repeat {
                var request = filtered(M.Request(), self.command)
                request.page = self.command.pageRequest(size: self.command.limit - records.count, cursor: cursor)
                let page = try await self.client.unary(M.page, request, options: self.options)
                records += page.items.prefix(self.command.limit - records.count)
                cursor = page.nextCursor
            } while cursor != nil && records.count < self.command.limit
            self.command.format.print(records, columns: M.columns)
        }
    }
}

/// Applies the model-specific filters a command has.
func filtered<Request: ModelListRequest>(_ request: Request, _ command: GetCommand) -> Request {
    if var candidates = request as? ListCandidatesRequest, let email = command.email {
        candidates.email = email
        return candidates as? Request ?? request
    }
    if var jobs = request as? ListJobsRequest, let text = command.nameContains {
        jobs.nameContains = text
        return jobs as? Request ?? request
    }
    return request
}

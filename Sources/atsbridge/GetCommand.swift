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
            JSON uses the unified API's snake_case names and ISO-8601 UTC times; one record \
            by --id prints as one JSON object. A filter that does not apply to the model is \
            an error (exit 64) unless --ignore-unsupported-filters; filters of fields RECRU \
            does not provide (see `integrations coverage`) match nothing unless \
            --ignore-unsupported-filters. When --limit stops a list early, stderr says so.

            Examples:
              atsbridge get candidates --format table
              atsbridge get candidates --id 3NP1SPRaNVZfrV43g5FstSKJ --format json
              atsbridge get candidates --email jana@example.sk --format ndjson
              atsbridge get jobs --name-contains engineer --all --format ndjson
              atsbridge get applications --updated-after 2026-11-01T00:00:00Z \\
                --limit 500 --format ndjson
            """
    )

    @OptionGroup var client: ClientOptions
    @Argument(help: "The model, e.g. candidates.") var model: String
    @Option(help: "Only these ATSBridge ids (repeatable).") var id: [String] = []
    @Option(help: "Only records changed (or whose nested data changed) after this RFC 3339 time.")
    var updatedAfter: String?
    @Flag(help: "Include records deleted in RECRU.") var includeDeleted = false
    @Option(help: "Candidates and users: only those with this email address.") var email: String?
    @Option(help: "Jobs: only those whose name contains this text.") var nameContains: String?
    @Option(help: "Jobs: only those with this job code (repeatable).") var jobCode: [String] = []
    @Option(help: "Jobs, candidates, applications: only those created in RECRU at or after this ISO-8601 time.")
    var remoteCreatedAfter: String?
    @Flag(help: "Drop filters that do not apply to the model or that RECRU cannot answer, instead of failing.")
    var ignoreUnsupportedFilters = false
    @Option(help: "At most this many records (default 100).") var limit = 100
    @Flag(help: "Every matching record, page by page (no --limit).") var all = false
    @Option(help: "table, json or ndjson.") var format = OutputFormat.table

    func validate() throws {
        guard self.limit > 0 else { throw ValidationError("--limit must be positive") }
        if let time = self.updatedAfter, ISODates.parse(time) == nil {
            throw ValidationError("--updated-after must be \(ISODates.acceptedFormat), not '\(time)'")
        }
        if let time = self.remoteCreatedAfter, ISODates.parse(time) == nil {
            throw ValidationError("--remote-created-after must be an ISO-8601 time such as 2026-11-01T00:00:00Z")
        }
    }

    func run() async throws {
        try await CLIFailure.run {
            let filters = try GetFilters(command: self)
            try await self.client.withClient(needsIntegration: true) { client, options in
                try await CLIModels.visit(
                    self.model,
                    Reader(command: self, filters: filters, client: client, options: options)
                )
            }
        }
    }

    /// The list request's common filters.
    func pageRequest(size: Int, cursor: String? = nil) -> PageRequest {
        PageRequest(
            pageSize: UInt32(min(1000, size)),
            cursor: cursor,
            updatedAfter: self.updatedAfter.flatMap(ISODates.parse),
            includeDeleted: self.includeDeleted ? true : nil,
            ids: self.id,
            ignoreUnsupportedFilters: self.ignoreUnsupportedFilters ? true : nil
        )
    }

    private struct Reader: CLIModelVisitor {
        let command: GetCommand
        let filters: GetFilters
        let client: RPCClient
        let options: CallOptions

        func visit<M: CLIModel>(_ model: M.Type) async throws {
            if self.command.id.count == 1, self.command.updatedAfter == nil {
                let record = try await self.client.unary(
                    M.get,
                    GetRequest(id: self.command.id[0], includeDeleted: self.command.includeDeleted ? true : nil),
                    options: self.options
                )
                self.command.format.printOne(record, columns: M.columns)
                return
            }
            let limit = self.command.all ? Int.max : self.command.limit
            var records: [M.Page.Item] = []
            var cursor: String?
            var more = false
            repeat {
                var request = self.filters.apply(to: M.Request())
                // One record beyond the limit tells whether more exist.
                let wanted = limit == Int.max ? 1000 : limit - records.count + 1
                request.page = self.command.pageRequest(size: wanted, cursor: cursor)
                let page = try await self.client.unary(M.page, request, options: self.options)
                records += page.items
                cursor = page.nextCursor
                if records.count > limit {
                    more = true
                    records.removeLast(records.count - limit)
                }
            } while cursor != nil && !more
            self.command.format.print(records, columns: M.columns)
            if more {
                Terminal.error("\(records.count) of more; use --all or export")
            }
            if records.isEmpty, self.filters.onOptionalFields, !self.command.ignoreUnsupportedFilters {
                // Not silent: an empty answer may come from a filter the integration cannot answer.
                Terminal.error(
                    "no records; a filter on a field the integration does not provide matches nothing "
                        + "(`atsbridge integrations coverage` lists them; --ignore-unsupported-filters ignores it)"
                )
            }
        }
    }
}

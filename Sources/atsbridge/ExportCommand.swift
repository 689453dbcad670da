import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ArgumentParser
import Foundation

/// `atsbridge export <model> --out FILE`: stream every record to a file, resumably.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Stream every record of a model to a file: NDJSON, CSV or length-delimited protobuf.",
        discussion: """
            Memory stays bounded: pages are written as they arrive. After each page the resume \
            point is saved beside the file (FILE.resume); --resume continues an interrupted \
            export from there, giving exactly the records of an uninterrupted one. protobuf \
            writes each record as a varint length and its bytes (the delimited format of \
            protobuf's writeDelimitedTo/parseDelimitedFrom). Records come in the order the \
            server reads fastest; --order id sorts them by ATSBridge id.

            Examples:
              atsbridge export candidates --out candidates.ndjson
              atsbridge export candidates --out candidates.pb --format protobuf
              atsbridge export applications --out applications.csv --format csv \\
                --updated-after 2026-11-01T00:00:00Z
              atsbridge export candidates --out candidates.ndjson --resume
              atsbridge export candidates --out - | gzip > candidates.ndjson.gz
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case ndjson, csv, protobuf
    }

    /// The order of the exported records.
    enum Order: String, ExpressibleByArgument, CaseIterable {
        /// Whatever order the store reads fastest (the default for exports).
        case storage
        /// By ATSBridge id.
        case id

        var pageOrder: PageOrder {
            switch self {
            case .storage: .storage
            case .id: .id
            }
        }
    }

    @OptionGroup var client: ClientOptions
    @Argument(help: "The model, e.g. candidates.") var model: String
    @Option(help: "The file to write, or - for standard output (no resume point).") var out: String
    @Option(help: "ndjson, csv or protobuf.") var format = Format.ndjson
    @Flag(help: "Continue an interrupted export of the same model and format into the same file.") var resume = false
    @Option(help: "Records per page (1–1000).") var pageSize = 1000
    @Option(help: "Only records changed after this RFC 3339 time.") var updatedAfter: String?
    @Flag(help: "Include records deleted in RECRU.") var includeDeleted = false
    @Option(help: "storage (fastest, no particular order) or id.") var order = Order.storage
    @Option(help: .hidden) var conversionTasks = 2

    func validate() throws {
        guard (1...1000).contains(self.pageSize) else { throw ValidationError("--page-size must be 1 to 1000") }
        if self.out == ExportFile.standardOutput {
            guard !self.resume else {
                throw ValidationError("--resume needs a file: an export to standard output cannot be resumed")
            }
        } else if let problem = ExportFile.notRegular(self.out) {
            // Before connecting: a device or a pipe is refused whatever the server would answer.
            throw ValidationError(problem)
        }
        if let time = self.updatedAfter, ISODates.parse(time) == nil {
            throw ValidationError("--updated-after must be \(ISODates.acceptedFormat), not '\(time)'")
        }
    }

    func run() async throws {
        try await CLIFailure.run {
            let started = ContinuousClock.now
            let written = try await self.client.withClient(
                needsIntegration: true,
                streamCredit: Self.streamCredit(pageSize: self.pageSize)
            ) { client, options in
                var streaming = options
                streaming.timeout = nil
                return try await CLIModels.visit(
                    self.model,
                    Exporter(command: self, client: client, options: streaming)
                )
            }
            let seconds = Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000
            Terminal.error(
                String(
                    format: "exported %d records to %@ in %.1f s (%.0f records/s)",
                    written,
                    self.out == ExportFile.standardOutput ? "standard output" : self.out,
                    seconds,
                    Double(written) / max(seconds, 0.001)
                )
            )
        }
    }

    /// Pages the server may send ahead of the file: about 16,000 records (16 MB of nested
    /// candidates), at least 4 pages and at most the client's default 32. When the file is
    /// written more slowly than the server reads (NDJSON, CSV), that many wait in memory.
    static func streamCredit(pageSize: Int) -> Int {
        min(32, max(4, 16_000 / max(1, pageSize)))
    }

    private struct Exporter: CLIModelVisitor {
        let command: ExportCommand
        let client: RPCClient
        let options: CallOptions

        func visit<M: CLIModel>(_ model: M.Type) async throws -> Int {
            let file = try await ExportWriter.open(
                path: self.command.out,
                model: self.command.model,
                format: self.command.format.rawValue,
                order: self.command.order.rawValue,
                resume: self.command.resume
            )
            // Stopped after its last page: asking again from no cursor would start over.
            if file.read(\.isFinished) {
                try await file.complete()
                return file.read(\.records)
            }
            // Written with the first page, so that a failed call leaves an existing file alone;
            // also when resuming an export stopped before its first page (the file is empty).
            var header: [UInt8]? =
                file.read(\.bytes) == 0 && self.command.format == .csv
                ? Array((CSV.header(M.Page.Item.jsonFieldNames) + "\n").utf8) : nil
            var request = M.Request()
            request.page = PageRequest(
                pageSize: UInt32(self.command.pageSize),
                cursor: file.read(\.cursor),
                updatedAfter: self.command.updatedAfter.flatMap(ISODates.parse),
                includeDeleted: self.command.includeDeleted ? true : nil,
                order: Order(rawValue: file.read(\.order))?.pageOrder ?? .id
            )
            // Counted here, not read from the file's state, which waits for the write in flight.
            var records = file.read(\.records)
            let progress = Progress(enabled: Terminal.stderrIsTerminal, initial: records)
            // Records pass through undecoded, delimited as each page is read; NDJSON and CSV
            // are written straight from their wire bytes.
            let raw = MethodDescriptor<M.Request, DelimitedPage>(
                service: M.list.service,
                method: M.list.method,
                kind: .serverStreaming
            )
            var converter = PageConverter()
            for try await page in self.client.serverStreaming(raw, request, options: self.options) {
                switch self.command.format {
                case .protobuf:
                    try await file.append(page.delimited, cursor: page.nextCursor, records: page.count)
                case .ndjson:
                    let parallel = self.command.conversionTasks > 1
                    try await converter.ndjson(page, as: M.Page.Item.self, parallel: parallel)
                    try await file.append(converter.output, cursor: page.nextCursor, records: page.count)
                case .csv:
                    if let first = header {
                        try await file.append(first, cursor: nil, records: 0)
                        header = nil
                    }
                    try converter.csv(page, as: M.Page.Item.self)
                    try await file.append(converter.output, cursor: page.nextCursor, records: page.count)
                }
                records += page.count
                progress.update(records)
            }
            if let first = header { try await file.append(first, cursor: nil, records: 0) }
            progress.finish()
            try await file.complete()
            return file.read(\.records)
        }
    }
}

/// A progress line on stderr when it is a terminal: records so far and the rate.
final class Progress: @unchecked Sendable {
    private let enabled: Bool
    private let started = ContinuousClock.now
    private let initial: Int
    private var lastDraw = ContinuousClock.now

    init(enabled: Bool, initial: Int) {
        self.enabled = enabled
        self.initial = initial
    }

    func update(_ records: Int) {
        guard self.enabled, ContinuousClock.now - self.lastDraw > .milliseconds(100) else { return }
        self.lastDraw = ContinuousClock.now
        let seconds = Double((ContinuousClock.now - self.started) / .milliseconds(1)) / 1000
        let rate = Double(records - self.initial) / max(seconds, 0.001)
        let bar = String(repeating: "█", count: Int(seconds * 4) % 20 + 1)
        try? FileHandle.standardError.write(
            contentsOf: Data(String(format: "\r%@ %d records, %.0f/s   ", bar, records, rate).utf8)
        )
    }

    func finish() {
        if self.enabled { try? FileHandle.standardError.write(contentsOf: Data("\r\u{1B}[K".utf8)) }
    }
}

/// CSV of the unified JSON: top-level fields as columns; nested values as compact JSON.
enum CSV {
    static func header(_ columns: [String]) -> String {
        columns.map(self.escape).joined(separator: ",")
    }

    static func row(_ json: [UInt8], columns: [String]) -> String {
        let object = (try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any]) ?? [:]
        return columns.map { column -> String in
            switch object[column] {
            case nil, is NSNull: return ""
            case let text as String: return self.escape(text)
            case let number as NSNumber: return number.stringValue
            case let nested?:
                let data = (try? JSONSerialization.data(withJSONObject: nested, options: [.sortedKeys])) ?? Data()
                return self.escape(String(decoding: data, as: UTF8.self))
            }
        }.joined(separator: ",")
    }

    static func escape(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

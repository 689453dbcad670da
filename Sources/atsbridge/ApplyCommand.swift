import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ArgumentParser
import Foundation

/// `atsbridge apply`: create a candidate's application to a job in RECRU.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a candidate to a job in RECRU (write key); prints the created application.",
        discussion: """
            The job is an ATSBridge id or remote:<RECRU project id>. The CV is read from a file \
            (at most 10 MB). A retry with the same --idempotency-key returns the first result \
            without writing to RECRU again.

            Examples:
              atsbridge apply --job 3NP1SPRaNVZfrV43g5FstSKJ \\
                --first-name Jana --last-name Nováková --email jana@example.sk \\
                --cv cv.pdf --source "Job board" --gdpr-consent-until 2027-06-30
              atsbridge apply --job remote:12 \\
                --first-name Uwe --last-name Wagner --email uwe@example.de \\
                --idempotency-key board-7731 --format json
            """
    )

    @OptionGroup var client: ClientOptions
    @Option(help: "The job: an ATSBridge id or remote:<RECRU project id>.") var job: String
    @Option(help: "A stage id; default the job's first stage.") var stage: String?
    @Option(help: "First name.") var firstName: String
    @Option(help: "Last name.") var lastName: String
    @Option(help: "Email address.") var email: String
    @Option(help: "Phone number.") var phone: String?
    @Option(help: "City.") var city: String?
    @Option(help: "Country, ISO 3166-1 alpha-2 (e.g. SK).") var country: String?
    @Option(help: "A CV file (PDF, DOCX, …).") var cv: String?
    @Option(help: "The source; default the integration's source-writing name.") var source: String?
    @Option(help: "GDPR consent given until this date (YYYY-MM-DD or an RFC 3339 time).") var gdprConsentUntil: String?
    @Option(help: "A key making retries safe.") var idempotencyKey: String?
    @Option(help: "table, json or ndjson.") var format = OutputFormat.table

    func validate() throws {
        if let until = self.gdprConsentUntil, ISODates.parse(until) == nil {
            throw ValidationError("--gdpr-consent-until must be \(ISODates.acceptedFormat)")
        }
    }

    func run() async throws {
        try await CLIFailure.run {
            var attachments: [AttachmentInput] = []
            if let path = self.cv {
                attachments.append(try Self.attachment(path, type: .cv))
            }
            let request = CreateApplicationRequest(
                jobID: self.job,
                stageID: self.stage,
                candidate: CandidateInput(
                    firstName: self.firstName,
                    lastName: self.lastName,
                    emailAddress: self.email,
                    phoneNumber: self.phone,
                    location: self.city == nil && self.country == nil
                        ? nil : Location(city: self.city, country: self.country)
                ),
                attachments: attachments,
                source: self.source.map { SourceInput(name: $0) },
                gdprConsent: self.gdprConsentUntil.flatMap(ISODates.parse).map {
                    GdprConsent(given: true, expiresAt: $0)
                },
                idempotencyKey: self.idempotencyKey
            )
            let response = try await self.client.withClient(needsIntegration: true) { client, options in
                try await client.unary(AtsWriteService.createApplication, request, options: options)
            }
            for warning in response.warnings { Terminal.error("warning: \(warning.message ?? "")") }
            if let application = response.application {
                self.format.printOne(application, columns: ApplicationModel.columns)
            }
        }
    }

    /// A file as an attachment; its content type from the extension.
    static func attachment(_ path: String, type: AttachmentType) throws -> AttachmentInput {
        let url = URL(fileURLWithPath: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size, let data = FileManager.default.contents(atPath: path) else {
            throw CLIFailure.io("\(path) cannot be read")
        }
        guard size <= 10_000_000 else { throw CLIFailure.usage("\(path) is over 10 MB") }
        let types = [
            "pdf": "application/pdf", "doc": "application/msword", "txt": "text/plain", "rtf": "application/rtf",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "odt": "application/vnd.oasis.opendocument.text",
            "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        ]
        return AttachmentInput(
            name: url.lastPathComponent,
            type: type,
            contentType: types[url.pathExtension.lowercased()] ?? "application/octet-stream",
            content: .data([UInt8](data))
        )
    }
}

/// `atsbridge tag add <candidate-id> <tag-name>`.
struct TagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Tag candidates with existing RECRU tags (write key).",
        discussion: """
            Examples:
              atsbridge tag add 3NP1SPRaNVZfrV43g5FstSKJ "Senior"
            """,
        subcommands: [Add.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign an existing RECRU tag, by name, to a candidate; RECRU cannot create tags."
        )
        @OptionGroup var client: ClientOptions
        @Argument(help: "The candidate's ATSBridge id.") var candidateId: String
        @Argument(help: "The tag's name.") var tagName: String
        @Option(help: "A key making retries safe.") var idempotencyKey: String?

        func run() async throws {
            try await CLIFailure.run {
                let request = AddCandidateTagRequest(
                    candidateID: self.candidateId,
                    tagName: self.tagName,
                    idempotencyKey: self.idempotencyKey
                )
                let response = try await self.client.withClient(needsIntegration: true) { client, options in
                    try await client.unary(AtsWriteService.addCandidateTag, request, options: options)
                }
                let name = response.tag?.name ?? self.tagName
                Terminal.line(
                    response.alreadyAssigned == true
                        ? "\(self.candidateId) already has tag '\(name)'" : "tagged \(self.candidateId) with '\(name)'"
                )
            }
        }
    }
}

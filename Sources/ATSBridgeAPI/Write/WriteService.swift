public import ATSBridgeCore
import ATSBridgeProto
public import ATSBridgeRPC
public import ATSBridgeSync
import Foundation

/// `atsbridge.v1.AtsWrite`: CreateApplication, CreateCandidate and AddCandidateTag, executed
/// against the remote ATS (RECRU) through Core's port and mirrored into the store at once
/// (docs/writes.md). Every command is
/// validated first, may carry an idempotency key (in the request or the call metadata), and
/// fails with a gRPC status and a dotted code, with nothing half-written in the store.
public struct WriteService: Sendable {
    private let store: any Store
    private let vault: CredentialVault
    private let remote: any RemoteATS
    private let configuration: WriteConfiguration
    private let executor: IdempotentExecutor
    private let loader: AttachmentLoader
    private let clock: any SyncClock

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - vault: Opens the integrations' stored credentials.
    ///   - remote: The remote ATS the commands are executed against.
    ///   - clock: Stamps the written records and idempotency keys (the system clock by default).
    public init(
        store: any Store,
        vault: CredentialVault,
        remote: any RemoteATS,
        configuration: WriteConfiguration = WriteConfiguration(),
        clock: any SyncClock = SystemSyncClock()
    ) {
        self.store = store
        self.vault = vault
        self.remote = remote
        self.configuration = configuration
        self.clock = clock
        self.executor = IdempotentExecutor(store: store, clock: clock)
        self.loader = AttachmentLoader(configuration: configuration)
    }

    /// Registers the three write methods (write keys). Each call is audited with the ids it
    /// named and created, never the candidate's data.
    public func register(in router: inout RPCRouter) {
        let service = self
        router.unary(
            AtsWriteService.createApplication,
            access: .writeIntegration,
            audit: RPCAudit { request, response in
                [request.jobID, response?.application?.id, response?.application?.candidateID].compactMap { $0 }
            }
        ) { request, context in
            try await service.createApplication(request, context)
        }
        router.unary(
            AtsWriteService.createCandidate,
            access: .writeIntegration,
            audit: RPCAudit { request, response in
                [request.application?.jobID, response?.candidate?.id].compactMap { $0 }
            }
        ) { request, context in
            try await service.createCandidate(request, context)
        }
        router.unary(
            AtsWriteService.addCandidateTag,
            access: .writeIntegration,
            audit: RPCAudit { request, response in [request.candidateID, response?.tag?.id].compactMap { $0 } }
        ) { request, context in
            try await service.addCandidateTag(request, context)
        }
    }

    // MARK: Commands

    private func createApplication(_ request: CreateApplicationRequest, _ context: ServerContext) async throws
        -> CreateApplicationResponse
    {
        var unkeyed = request
        unkeyed.idempotencyKey = nil
        let input = CreateInput(
            candidate: request.candidate,
            jobID: request.jobID,
            jobField: "job_id",
            stageField: "stage_id",
            reusesCandidate: true,
            stageID: request.stageID,
            attachments: request.attachments,
            source: request.source,
            gdpr: request.gdprConsent,
            key: request.idempotencyKey,
            body: try unkeyed.encode()
        )
        let bytes = try await self.create(input, context) { ids, warnings in
            let application = try await self.read(
                Application.self,
                .application,
                ids.application,
                context.integrationID
            )
            return try CreateApplicationResponse(application: application, warnings: warnings).encode()
        }
        return try CreateApplicationResponse(decoding: bytes)
    }

    private func createCandidate(_ request: CreateCandidateRequest, _ context: ServerContext) async throws
        -> CreateCandidateResponse
    {
        var unkeyed = request
        unkeyed.idempotencyKey = nil
        let input = CreateInput(
            candidate: request.candidate,
            jobID: request.application?.jobID,
            jobField: "application.job_id",
            stageField: "application.stage_id",
            reusesCandidate: false,
            stageID: request.application?.stageID,
            attachments: request.attachments,
            source: request.source,
            gdpr: request.gdprConsent,
            key: request.idempotencyKey,
            body: try unkeyed.encode()
        )
        let bytes = try await self.create(input, context) { ids, warnings in
            let candidate = try await self.read(Candidate.self, .candidate, ids.candidate, context.integrationID)
            return try CreateCandidateResponse(candidate: candidate, warnings: warnings).encode()
        }
        return try CreateCandidateResponse(decoding: bytes)
    }

    /// What the two create commands share.
    private struct CreateInput: Sendable {
        var candidate: CandidateInput?
        var jobID: String?
        var jobField: String
        var stageField: String
        /// Whether a candidate the store has with the same email applies, rather than a new one.
        var reusesCandidate: Bool
        var stageID: String?
        var attachments: [AttachmentInput]
        var source: SourceInput?
        var gdpr: GdprConsent?
        var key: String?
        /// The request without its idempotency key: what a retry must repeat.
        var body: [UInt8]
    }

    /// Validates, resolves the job, applies once in the remote (idempotently), mirrors the result,
    /// and encodes the response `respond` builds from the created ids.
    private func create(
        _ input: CreateInput,
        _ context: ServerContext,
        respond: @escaping @Sendable ((application: String, candidate: String), [Warning]) async throws -> [UInt8]
    ) async throws -> [UInt8] {
        let (stored, connection) = try await self.connection(context.integrationID)
        let fields = try CandidateFields.validate(input.candidate)
        let job = try await self.resolveJob(input.jobID, field: input.jobField, context.integrationID)
        // The remote's default is the job's first stage; naming it saves the remote a lookup
        // and us one.
        let stage =
            try await self.resolveStage(input.stageID, field: input.stageField, context.integrationID) ?? job.firstStage
        let existing =
            input.reusesCandidate ? try await self.existingCandidate(fields.email, context.integrationID) : nil
        return try await self.executor.run(
            integrationID: context.integrationID,
            key: input.key ?? context.metadata.idempotencyKey,
            request: input.body
        ) { progress, checkpoint in
            if progress == .notSent {
                // Here, not before the key is claimed: a retry of a create that succeeded finds
                // its own application (or its job closed since), and must return it instead.
                if let closed = job.closed { throw closed }
                try await self.refuseKnownApplication(fields.email, job: job.remote, context.integrationID)
            }
            var warnings: [Warning] = []
            let created = try await connection.createApplication(
                { withAttachments in
                    // Built anew each time, with the same warnings.
                    warnings = []
                    var command = try await self.command(
                        job: job.remote,
                        stage: stage,
                        fields: fields,
                        candidate: input.candidate,
                        attachments: withAttachments ? input.attachments : [],
                        source: input.source,
                        gdpr: input.gdpr,
                        settings: stored.integration.settings,
                        warnings: &warnings
                    )
                    command.candidateRemoteID = existing
                    return command
                },
                resumingFrom: progress,
                // The created-here marks are written with the records (``mirror(_:_:)``); a
                // retry resuming from a checkpoint writes both.
                checkpoint: checkpoint
            )
            // Not when RECRU no longer had that jobseeker, and created one; nor on a resumed
            // attempt, where a sync since may have made the first attempt's own new jobseeker
            // the store's candidate.
            if progress == .notSent, let existing, created.candidate.remoteID == existing {
                warnings.append(Self.reusedCandidateWarning)
            }
            let ids = try await self.mirror(created, context.integrationID)
            return try await respond(ids, created.warnings.map { Warning(message: $0) } + warnings)
        }
    }

    private func addCandidateTag(_ request: AddCandidateTagRequest, _ context: ServerContext) async throws
        -> AddCandidateTagResponse
    {
        let (_, connection) = try await self.connection(context.integrationID)
        guard let candidateID = request.candidateID, !candidateID.isEmpty else {
            throw ATSBridgeError(.inputInvalid, "candidate_id is required")
        }
        guard let name = request.tagName?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty else {
            throw ATSBridgeError(.inputInvalid, "tag_name is required")
        }
        let candidate = try await self.read(Candidate.self, .candidate, candidateID, context.integrationID)
        guard let remoteCandidate = candidate.remoteID, candidate.remoteDeletedAt == nil else {
            throw ATSBridgeError(.notFound, "no candidate with id \(candidateID)")
        }
        var unkeyed = request
        unkeyed.idempotencyKey = nil
        let bytes = try await self.executor.run(
            integrationID: context.integrationID,
            key: request.idempotencyKey ?? context.metadata.idempotencyKey,
            request: try unkeyed.encode()
        ) { _, _ in
            var tag = try await self.tag(named: name, context.integrationID)
            if tag == nil {
                // Unknown here: the remote may have it since the last sync.
                let tags = try await connection.tags()
                _ = try await self.store.upsert(
                    .tags(tags),
                    integrationID: context.integrationID,
                    at: self.clock.nowMilliseconds()
                )
                tag = tags.first { Self.sameName($0.name, name) }
            }
            let remote = self.remote.name
            guard let tag else {
                throw ATSBridgeError(
                    .notFound,
                    "\(remote) has no tag named '\(name)', and its API cannot create tags; create it in \(remote) first"
                )
            }
            let summary = TagSummary(id: tag.id, remoteID: tag.remoteID, name: tag.name)
            let joinID = connection.candidateTag(candidateRemoteID: remoteCandidate, tag: tag).id
            if let bytes = try await self.store.record(.candidateTag, id: joinID, integrationID: context.integrationID),
                (try CandidateTag(decoding: bytes)).remoteDeletedAt == nil
            {
                return try AddCandidateTagResponse(tag: summary, alreadyAssigned: true).encode()
            }
            let join = try await connection.addCandidateTag(candidateRemoteID: remoteCandidate, tag: tag)
            _ = try await self.store.upsert(
                .candidateTags([join]),
                integrationID: context.integrationID,
                at: self.clock.nowMilliseconds()
            )
            return try AddCandidateTagResponse(tag: summary, alreadyAssigned: false).encode()
        }
        return try AddCandidateTagResponse(decoding: bytes)
    }

    // MARK: Steps

    /// Writes what the remote created into the store in one transaction, so the next read sees
    /// the candidate, its tags and the application together, with their created-here marks (for
    /// "sync only created applications"); returns their ids.
    private func mirror(_ created: CreatedApplication, _ integrationID: String) async throws -> (
        application: String, candidate: String
    ) {
        _ = try await self.store.upsert(
            batches: [
                .candidates([created.candidate]), .candidateTags(created.candidateTags),
                .applications([created.application]),
            ],
            createdHere: [
                .candidate: created.candidate.remoteID.map { [$0] } ?? [],
                .application: created.application.remoteID.map { [$0] } ?? [],
            ],
            integrationID: integrationID,
            at: self.clock.nowMilliseconds()
        )
        return (created.application.id, created.candidate.id)
    }

    private func command(
        job: String,
        stage: String?,
        fields: (first: String, last: String, email: String),
        candidate: CandidateInput?,
        attachments: [AttachmentInput],
        source: SourceInput?,
        gdpr: GdprConsent?,
        settings: IntegrationSettings?,
        warnings: inout [Warning]
    ) async throws -> RemoteApplicationCommand {
        let loaded = try await self.loader.load(attachments)
        if gdpr?.expiresAt != nil, gdpr?.given != true {
            warnings.append(Warning(message: "gdpr_consent.expires_at was sent without given=true"))
        }
        if let name = source?.name, name.utf8.count > 200 {
            throw ATSBridgeError(.inputInvalid, "source.name must be at most 200 bytes")
        }
        let writesSource = settings?.sourceWritingEnabled ?? self.configuration.sourceWritingEnabled
        var command = RemoteApplicationCommand(
            jobRemoteID: job,
            stageRemoteID: stage,
            firstName: fields.first,
            lastName: fields.last,
            email: fields.email,
            phone: candidate?.phoneNumber,
            city: candidate?.location?.city,
            country: candidate?.location?.country,
            company: candidate?.company,
            title: candidate?.title,
            attachments: loaded,
            sourceName: source?.name.flatMap { $0.isEmpty ? nil : $0 },
            gdprGiven: gdpr?.given,
            gdprExpiresAt: gdpr?.expiresAt
        )
        // Source writing: for candidates created here (the remote applies it only then).
        if writesSource { command.defaultSourceName = settings?.sourceName ?? self.configuration.defaultSourceName }
        return command
    }

    /// The integration (which must be usable) and its write connection to the remote.
    private func connection(_ integrationID: String) async throws -> (StoredIntegration, any RemoteATSConnection) {
        guard let stored = try await self.store.integration(id: integrationID) else {
            throw ATSBridgeError(.notFound, "no integration with id \(integrationID)")
        }
        switch stored.integration.status {
        case .inactive?:
            throw ATSBridgeError(.integrationInactive, "integration \(integrationID) is paused; resume it to write")
        case .invalid?:
            throw ATSBridgeError(
                .integrationAuthenticationInvalid,
                "integration \(integrationID) is INVALID: \(self.remote.name) rejected its credentials"
            )
        default:
            break
        }
        let integration = stored.integration
        let account = RemoteATSAccount(
            integrationID: integrationID,
            tenantURL: integration.tenantURL ?? "",
            login: integration.login ?? "",
            password: try self.vault.open(stored.encryptedCredentials, integrationID: integrationID)
        )
        return (stored, self.remote.connection(to: account, for: .write))
    }

    /// A job's RECRU id (and its first stage's, when the store knows the job), from an
    /// ATSBridge id or `remote:<RECRU id>`; a job known to be closed is refused before RECRU is
    /// called.
    /// The job's RECRU id, its first stage's, and the refusal of a job the store knows is not
    /// open (thrown only for a fresh attempt: a retry of a create that succeeded before the job
    /// closed returns its result).
    private func resolveJob(_ id: String?, field: String, _ integrationID: String) async throws -> (
        remote: String, firstStage: String?, closed: ATSBridgeError?
    ) {
        guard let id = id?.trimmingCharacters(in: .whitespaces), !id.isEmpty else {
            throw ATSBridgeError(.inputInvalid, "\(field) is required")
        }
        let job: Job
        if id.hasPrefix("remote:") {
            let remote = try self.remoteID(id, field: field)
            // A job the store knows is checked as under its own id; RECRU decides on the rest
            // (a job not synced yet).
            let known = RecordID.make(integrationID: integrationID, model: .job, remoteID: remote)
            guard let bytes = try await self.store.record(.job, id: known, integrationID: integrationID),
                case let stored = try Job(decoding: bytes), stored.remoteDeletedAt == nil
            else { return (remote, nil, nil) }
            job = stored
        } else {
            job = try await self.read(Job.self, .job, id, integrationID)
        }
        guard job.remoteDeletedAt == nil, let remote = job.remoteID else {
            throw ATSBridgeError(.notFound, "no job with id \(id)")
        }
        let closed = job.status.flatMap { status in
            status == .open
                ? nil
                : ATSBridgeError(.atsJobClosed, "job \(id) is \(status.name ?? "not open") and takes no applications")
        }
        let first = job.stages.min { ($0.index ?? .max) < ($1.index ?? .max) }
        return (remote, first?.remoteID, closed)
    }

    /// Said when a create applied with the candidate the store has with the same email.
    static let reusedCandidateWarning = Warning(
        message: "the existing candidate with this email address applied; its fields were not changed"
    )

    /// The candidate the store has with `email` (any of its addresses, without case), to apply
    /// with rather than create a second candidate with the same address: of several (RECRU
    /// allows that), the live one RECRU created last, with the highest remote id. Its remote id,
    /// or `nil` when there is none.
    private func existingCandidate(_ email: String, _ integrationID: String) async throws -> String? {
        let query = RecordQuery(
            integrationID: integrationID,
            model: .candidate,
            pageSize: 100,
            filter: .candidates(email: email, jobIDs: [], firstName: nil, lastName: nil)
        )
        let remoteIDs = try await self.store.page(query).records.compactMap { bytes -> String? in
            let candidate = try Candidate(decoding: bytes)
            return candidate.remoteDeletedAt == nil ? candidate.remoteID : nil
        }
        return remoteIDs.max { ($0.count, $0) < ($1.count, $1) }
    }

    /// Refuses a create for an email that a candidate the store knows has already applied to
    /// the job with, as RECRU's duplicate check would for a new jobseeker: RECRU checks only
    /// the jobseeker named when an existing one applies, and only primary addresses.
    private func refuseKnownApplication(_ email: String, job remote: String, _ integrationID: String) async throws {
        let query = RecordQuery(
            integrationID: integrationID,
            model: .candidate,
            pageSize: 1,
            filter: .candidates(
                email: email,
                jobIDs: [RecordID.make(integrationID: integrationID, model: .job, remoteID: remote)],
                firstName: nil,
                lastName: nil
            )
        )
        guard try await self.store.page(query).records.isEmpty else {
            throw ATSBridgeError(
                .atsApplicationAlreadyExists,
                "a candidate with this email has already applied to this job"
            )
        }
    }

    /// The remote's id in a `remote:` id, refused unless it has the form of the remote's ids.
    private func remoteID(_ id: String, field: String) throws -> String {
        let remote = String(id.dropFirst(7))
        guard !remote.isEmpty, self.remote.isRemoteID(remote) else {
            let form = self.remote.remoteIDForm.map { ", \($0)" } ?? ""
            throw ATSBridgeError(.inputInvalid, "\(field) remote: needs a \(self.remote.name) id\(form)")
        }
        return remote
    }

    private func resolveStage(_ id: String?, field: String, _ integrationID: String) async throws -> String? {
        guard let id, !id.isEmpty else { return nil }
        if id.hasPrefix("remote:") { return try self.remoteID(id, field: field) }
        let stage = try await self.read(ApplicationStage.self, .applicationStage, id, integrationID)
        return stage.remoteID
    }

    private func read<M: ProtoMessage>(_ type: M.Type, _ model: Model, _ id: String, _ integrationID: String)
        async throws
        -> M
    {
        guard let bytes = try await self.store.record(model, id: id, integrationID: integrationID) else {
            throw ATSBridgeError(.notFound, "no \(model.name?.lowercased() ?? "record") with id \(id)")
        }
        return try M(decoding: bytes)
    }

    private func tag(named name: String, _ integrationID: String) async throws -> Tag? {
        var query = RecordQuery(integrationID: integrationID, model: .tag, pageSize: 1000)
        while true {
            let page = try await self.store.page(query)
            for bytes in page.records {
                let tag = try Tag(decoding: bytes)
                if Self.sameName(tag.name, name) { return tag }
            }
            guard let next = page.nextCursor else { return nil }
            query.cursor = next
        }
    }

    private static func sameName(_ a: String?, _ b: String) -> Bool {
        a?.trimmingCharacters(in: .whitespaces).compare(b, options: [.caseInsensitive]) == .orderedSame
    }
}

public import ATSBridgeCore
public import ATSBridgeProto
public import ATSBridgeRPC

/// `atsbridge.v1.AtsRead`: paged and streamed lists of every model, and gets by id, answered
/// from the store's stored bytes without decoding them.
public struct ReadService: Sendable {
    private let store: any RecordReading
    private let gate: IntegrationReadGate?
    private let unsupportedFilters: UnsupportedFilters

    /// Creates the service over a store.
    ///
    /// - Parameters:
    ///   - gate: Refuses reads of unknown integrations and of those whose first sync has not
    ///     finished; `nil` serves every integration id (tests of the read path).
    ///   - coverage: The remote ATS's coverage: filters on the fields it lists as unsupported
    ///     match nothing unless the caller ignores unsupported filters.
    public init(store: any RecordReading, gate: IntegrationReadGate? = nil, coverage: IntegrationCoverage? = nil) {
        self.store = store
        self.gate = gate
        self.unsupportedFilters = UnsupportedFilters(coverage: coverage)
    }

    /// Registers every read method.
    public func register(in router: inout RPCRouter) {
        self.register(
            router: &router,
            model: .user,
            list: AtsReadService.listUsers,
            page: AtsReadService.getUserPage,
            get: AtsReadService.getUser
        ) { request in (request.page, .users(emails: request.emails)) }
        self.register(
            router: &router,
            model: .job,
            list: AtsReadService.listJobs,
            page: AtsReadService.getJobPage,
            get: AtsReadService.getJob,
            remoteFields: { request in
                (request.jobCodes.isEmpty ? [] : ["job_code"])
                    + (request.remoteCreatedAfter == nil ? [] : ["remote_created_at"])
            }
        ) { request in
            (
                request.page,
                .jobs(
                    statuses: request.statuses,
                    employmentTypes: request.employmentTypes,
                    visibilities: request.visibilities,
                    nameContains: request.nameContains
                )
            )
        }
        self.register(
            router: &router,
            model: .candidate,
            list: AtsReadService.listCandidates,
            page: AtsReadService.getCandidatePage,
            get: AtsReadService.getCandidate,
            remoteFields: { request in request.remoteCreatedAfter == nil ? [] : ["remote_created_at"] }
        ) { request in
            (
                request.page,
                .candidates(
                    email: request.email,
                    jobIDs: request.jobIDs,
                    firstName: request.firstName,
                    lastName: request.lastName
                )
            )
        }
        self.register(
            router: &router,
            model: .applicationStage,
            list: AtsReadService.listApplicationStages,
            page: AtsReadService.getApplicationStagePage,
            get: AtsReadService.getApplicationStage
        ) { request in (request.page, .none) }
        self.register(
            router: &router,
            model: .application,
            list: AtsReadService.listApplications,
            page: AtsReadService.getApplicationPage,
            get: AtsReadService.getApplication,
            remoteFields: { request in request.remoteCreatedAfter == nil ? [] : ["remote_created_at"] }
        ) { request in
            (
                request.page,
                .applications(
                    outcomes: request.outcomes,
                    jobIDs: request.jobIDs,
                    jobRemoteIDs: request.jobRemoteIDs,
                    currentStageIDs: request.currentStageIDs
                )
            )
        }
        self.register(
            router: &router,
            model: .tag,
            list: AtsReadService.listTags,
            page: AtsReadService.getTagPage,
            get: AtsReadService.getTag
        ) { request in (request.page, .none) }
        self.register(
            router: &router,
            model: .candidateTag,
            list: AtsReadService.listCandidateTags,
            page: AtsReadService.getCandidateTagPage,
            get: AtsReadService.getCandidateTag
        ) { request in (request.page, .none) }
        self.register(
            router: &router,
            model: .jobApplicationStage,
            list: AtsReadService.listJobApplicationStages,
            page: AtsReadService.getJobApplicationStagePage,
            get: AtsReadService.getJobApplicationStage
        ) { request in (request.page, .none) }
        self.register(
            router: &router,
            model: .jobHiringTeamMember,
            list: AtsReadService.listJobHiringTeamMembers,
            page: AtsReadService.getJobHiringTeamMemberPage,
            get: AtsReadService.getJobHiringTeamMember
        ) { request in (request.page, .none) }
    }

    private func register<Request: ProtoMessage, Page: ProtoMessage, Record: ProtoMessage>(
        router: inout RPCRouter,
        model: Model,
        list: MethodDescriptor<Request, Page>,
        page: MethodDescriptor<Request, Page>,
        get: MethodDescriptor<GetRequest, Record>,
        remoteFields: @escaping @Sendable (Request) -> [String] = { _ in [] },
        query: @escaping @Sendable (Request) -> (PageRequest?, ModelFilter)
    ) {
        let store = self.store
        let gate = self.gate
        let unsupported = self.unsupportedFilters
        // nil: the list matches nothing (a filter on a field the remote ATS does not provide).
        let makeQuery: @Sendable (Request, ServerContext) async throws -> RecordQuery? = { request, context in
            try await gate?.check(context.integrationID)
            let (pageRequest, filter) = query(request)
            let ignore = pageRequest?.ignoreUnsupportedFilters == true
            if try unsupported.matchesNothing(model, fields: remoteFields(request), ignore: ignore) { return nil }
            return try RecordQuery(
                integrationID: context.integrationID,
                model: model,
                page: pageRequest,
                filter: filter
            )
        }
        router.serverStreaming(list, access: .readIntegration) { request, writer, context in
            guard let recordQuery = try await makeQuery(request, context) else {
                return try await writer.writeEncoded([])
            }
            // The store reads the following pages while each is sent, under the server's
            // memory for unsent pages; each page's charge ends once its bytes are written. No
            // page is read that the client has granted no credit for: the first waits for
            // credit, and the store reads ahead only as far as the credit left reaches.
            var pages = store.pages(recordQuery, budget: context.readMemory).makeAsyncIterator()
            while true {
                try await writer.waitUntilClientReady()
                guard let page = try await pages.next(readingAhead: writer.availableCredit - 1) else { break }
                try Task.checkCancellation()
                let (memory, last) = (page.memory, page.nextCursor == nil)
                try await writer.writeEncoded(page.encoded(), holding: memory)
                // The STATUS needs no credit: a client that granted just enough gets it at once.
                if last { break }
            }
        }
        router.unaryEncoded(page, access: .readIntegration) { request, context in
            guard let recordQuery = try await makeQuery(request, context) else { return EncodedResponse([]) }
            let page = try await store.page(recordQuery, budget: context.readMemory)
            let memory = page.memory
            return EncodedResponse(page.encoded(), holding: memory)
        }
        router.unaryEncoded(get, access: .readIntegration) { request, context in
            try await gate?.check(context.integrationID)
            // Like lists, a get hides records deleted in the remote unless asked for them.
            guard
                let record = try await store.record(
                    model,
                    id: request.id,
                    integrationID: context.integrationID,
                    includeDeleted: request.includeDeleted ?? false
                )
            else {
                let hint = request.includeDeleted == true ? "" : " (deleted records need include_deleted)"
                throw ATSBridgeError(.notFound, "no \(model.name ?? "record") with id \(request.id)\(hint)")
            }
            return EncodedResponse(record)
        }
    }
}

import ATSBridgeCore
import ATSBridgeProto
import Foundation

/// One integration's RECRU account behind Core's port: lists mapped with ``RECRUMapper``,
/// paged with ``RECRUPageWalker``, and the writes as `JobseekerService.apply` and `addTags`.
struct RECRUConnection: RemoteATSConnection {
    let client: RECRUClient
    let mapper: RECRUMapper

    /// What `apply` created in RECRU: the checkpoint of an idempotent create (its JSON keys
    /// are stable, so checkpoints saved by earlier versions still resume).
    struct Applied: Codable, Sendable {
        var jobseeker: String
        var application: String
        var project: String
        var stage: String?
    }

    /// Only projects can be listed by change (`changed_since`).
    var changedSinceModels: Set<Model> { [.job] }

    var remoteTime: Duration { self.client.remoteTime }

    var pacing: RemotePacing { self.client.pacing }

    func list(
        _ model: Model,
        _ options: RemoteListingOptions,
        _ body: (RemotePage) async throws -> Void
    ) async throws -> Bool {
        try await self.list(model, options, lookup: nil, body)
    }

    func list(
        _ model: Model,
        _ options: RemoteListingOptions,
        sources: @escaping RemoteSourceLookup,
        _ body: (RemotePage) async throws -> Void
    ) async throws -> Bool {
        try await self.list(model, options, lookup: sources, body)
    }

    private func list(
        _ model: Model,
        _ options: RemoteListingOptions,
        lookup: RemoteSourceLookup?,
        _ body: (RemotePage) async throws -> Void
    ) async throws -> Bool {
        let mapper = self.mapper
        let walker = RECRUPageWalker(client: self.client, pageSize: options.pageSize, concurrency: options.concurrency)
        let map: @Sendable (RECRUClient.RawAnswer, JSONReader.ListPage) async throws -> RemotePage = { answer, list in
            try await Self.map(model, answer, list, mapper, lookup)
        }
        switch model {
        case .user:
            return try await walker.walk(.userList, map: map, body)
        case .applicationStage:
            try await body(mapper.stages(try await self.unpaged(.globalStages)))
            return true
        case .tag:
            try await body(mapper.tags(try await self.unpaged(.tagList)))
            return true
        case .job:
            var params: [String: String] = [:]
            if let since = options.changedSince { params["changed_since"] = ISODates.format(since) }
            return try await walker.walk(.projectList, params, map: map, body)
        case .application:
            return try await walker.walk(.applicationList, map: map, body)
        case .candidate:
            return try await walker.walk(.jobseekerList, map: map, body)
        default:
            // Joins come with their parents' pages.
            throw ATSBridgeError(.internalError, "RECRU lists no \(model.name ?? "such records") of their own")
        }
    }

    func createApplication(
        _ command: (_ withAttachments: Bool) async throws -> RemoteApplicationCommand,
        resumingFrom progress: RemoteWriteProgress,
        checkpoint: (RemoteWriteProgress) async throws -> Void
    ) async throws -> CreatedApplication {
        var warnings: [String] = []
        let applied: Applied
        if case .answered(let saved) = progress,
            let resumed = try? JSONDecoder().decode(Applied.self, from: Data(saved))
        {
            applied = resumed
        } else {
            // Looked for without the attachments: they may be gone by now, and are not needed.
            if progress != .notSent, let found = try await self.findApplied(try await command(false)) {
                applied = found
            } else {
                let command = try await command(true)
                warnings = command.recruWarnings
                applied = try await self.apply(command, checkpoint: checkpoint)
            }
            try await checkpoint(.answered(Array(try JSONEncoder().encode(applied))))
        }
        return try await self.readBack(applied, warnings: warnings)
    }

    func tags() async throws -> [Tag] {
        try await self.unpaged(.tagList).compactMap { try? self.mapper.tag($0) }
    }

    func candidateTag(candidateRemoteID: String, tag: Tag) -> CandidateTag {
        CandidateTag(
            id: self.mapper.id(.candidateTag, "\(candidateRemoteID)-\(tag.remoteID ?? "")"),
            candidateID: self.mapper.id(.candidate, candidateRemoteID),
            tagID: tag.id
        )
    }

    func addCandidateTag(candidateRemoteID: String, tag: Tag) async throws -> CandidateTag {
        _ = try await self.client.call(
            .addTags,
            [
                "jobseeker_id": RECRUMapper.number(candidateRemoteID),
                "tag_ids": [RECRUMapper.number(tag.remoteID ?? "")],
            ]
        )
        return self.candidateTag(candidateRemoteID: candidateRemoteID, tag: tag)
    }

    // MARK: Steps

    /// Calls RECRU's apply, once (never retried blindly). When the answer is lost, RECRU may
    /// have written the application: `checkpoint` hears so before the error is thrown.
    private func apply(
        _ command: RemoteApplicationCommand,
        checkpoint: (RemoteWriteProgress) async throws -> Void
    ) async throws -> Applied {
        let answer: Any
        do {
            answer = try await self.client.call(.apply, command.recruParameters)
        } catch let error as ATSBridgeError where error.code == .notFound && command.candidateRemoteID != nil {
            // The existing jobseeker is gone since the last sync (or the project is: then the
            // second call says so again). Nothing was written: a new jobseeker is safe.
            var creating = command
            creating.candidateRemoteID = nil
            return try await self.apply(creating, checkpoint: checkpoint)
        } catch let error as ATSBridgeError where Self.mayHaveWritten(error) {
            try? await checkpoint(.uncertain)
            throw error
        }
        guard let result = answer as? [String: Any], let jobseeker = result["jobseeker_id"],
            let application = result["application_id"]
        else {
            try? await checkpoint(.uncertain)
            throw ATSBridgeError(.remoteUnknown, "RECRU's apply answer has no jobseeker_id or application_id")
        }
        return Applied(
            jobseeker: "\(jobseeker)",
            application: "\(application)",
            project: command.jobRemoteID,
            stage: command.stageRemoteID
        )
    }

    /// Reads the new jobseeker back and maps it, its tags and the application as a sync would.
    private func readBack(_ applied: Applied, warnings: [String]) async throws -> CreatedApplication {
        guard
            let jobseeker = try await self.client.call(.jobseeker, ["id": RECRUMapper.number(applied.jobseeker)])
                as? [String: Any]
        else {
            throw ATSBridgeError(.remoteUnknown, "RECRU answered JobseekerService.get with an unexpected shape")
        }
        let mapped = try self.mapper.candidate(jobseeker)
        var stage = applied.stage
        if stage == nil {
            // RECRU put the application in the project's first stage.
            let project =
                try await self.client.call(.project, ["id": RECRUMapper.number(applied.project)]) as? [String: Any]
            let stages = (project?["stages"] as? [[String: Any]] ?? []).sorted {
                ($0["position"] as? Int ?? 0) < ($1["position"] as? Int ?? 0)
            }
            stage = stages.first?["id"].map(RECRUMapper.idText)
        }
        // The same keys RECRU lists applications with, so the next sync sees no change.
        let application = try self.mapper.application([
            "id": RECRUMapper.number(applied.application), "project_id": RECRUMapper.number(applied.project),
            "jobseeker_id": RECRUMapper.number(applied.jobseeker),
            "stage_id": stage.map(RECRUMapper.number) ?? NSNull(),
            "status": "active", "rejection_reason_id": NSNull(),
        ])
        return CreatedApplication(
            candidate: mapped.candidate,
            candidateTags: mapped.tags,
            application: application,
            warnings: warnings
        )
    }

    /// An unpaged list (global stages, tags).
    private func unpaged(_ method: RECRUMethod) async throws -> [[String: Any]] {
        guard let items = try await self.client.call(method) as? [[String: Any]] else {
            throw ATSBridgeError(.remoteUnknown, "RECRU answered \(method.rawValue) with an unexpected shape")
        }
        return items
    }
}

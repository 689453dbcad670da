import ATSBridgeCore
import Foundation
import Synchronization

/// Mutations between syncs, for tests and demos: a Swift API when embedded, and the
/// `SandboxAdmin.*` methods (guarded by the admin secret) when standalone. They are the
/// sandbox's own, not RECRU's.
extension RECRUSandbox {
    /// Runs `body` on the sandbox's data, atomically.
    package func mutate<T>(_ body: (inout SandboxState) throws -> T) rethrows -> T {
        try self.state.withLock { try body(&$0) }
    }

    /// A snapshot of the data.
    package var snapshot: SandboxState { self.state.withLock { $0 } }

    /// Deletes a record; it vanishes from lists and is kept for ``restore(_:id:)``. Deleting a
    /// jobseeker or project also deletes its applications, as RECRU would no longer list them.
    package func delete(_ entity: String, id: Int) throws {
        try self.state.withLock { state in
            switch entity {
            case "jobseeker":
                guard let jobseeker = state.jobseekers.remove(id) else { throw JSONRPCError.notFound("Jobseeker") }
                state.trash.jobseekers.put(jobseeker)
                for application in state.applications.all where application.jobseekerID == id {
                    state.trash.applications.put(application)
                    state.applications.remove(application.id)
                }
            case "project":
                guard let project = state.projects.remove(id) else { throw JSONRPCError.notFound("Project") }
                state.trash.projects.put(project)
                for application in state.applications.all where application.projectID == id {
                    state.trash.applications.put(application)
                    state.applications.remove(application.id)
                }
            case "application":
                guard let application = state.applications.remove(id) else {
                    throw JSONRPCError.notFound("Application")
                }
                state.trash.applications.put(application)
            case "user":
                guard let user = state.users.remove(id) else { throw JSONRPCError.notFound("User") }
                state.trash.users.put(user)
            case "tag":
                guard let tag = state.tags.remove(id) else { throw JSONRPCError.notFound("Tag") }
                state.trash.tags.put(tag)
                var links: [Int] = []
                for var jobseeker in state.jobseekers.all where jobseeker.tagIDs.contains(id) {
                    jobseeker.tagIDs.removeAll { $0 == id }
                    state.jobseekers.put(jobseeker)
                    links.append(jobseeker.id)
                }
                state.trash.tagLinks[id] = links
            case "stage":
                guard let index = state.globalStages.firstIndex(where: { $0.id == id }) else {
                    throw JSONRPCError.notFound("Stage")
                }
                state.trash.globalStages[id] = state.globalStages.remove(at: index)
            default:
                throw JSONRPCError.invalidParams(
                    "entity",
                    "must be jobseeker, project, application, user, tag or stage"
                )
            }
        }
    }

    func admin(_ method: String, _ params: RPCParams, _ context: CallContext) throws -> Any {
        guard let secret = self.configuration.adminSecret, context.adminSecret == secret else {
            throw JSONRPCError.forbidden
        }
        if let answer = try self.faultsAdmin(method, params) { return answer }
        let entity = try params.requiredString("entity")
        switch method {
        case "SandboxAdmin.delete":
            try self.delete(entity, id: try params.requiredInt("id"))
            return true
        case "SandboxAdmin.restore":
            try self.restore(entity, id: try params.requiredInt("id"))
            return true
        case "SandboxAdmin.update":
            let id = try params.requiredInt("id")
            let fields = try params.object("fields") ?? RPCParams([:], prefix: "fields.")
            try self.update(entity, id: id, fields)
            return true
        case "SandboxAdmin.create":
            let fields = try params.object("fields") ?? RPCParams([:], prefix: "fields.")
            return ["id": try self.create(entity, fields)]
        default:
            throw JSONRPCError.methodNotFound(method)
        }
    }

    private func update(_ entity: String, id: Int, _ fields: RPCParams) throws {
        let now = self.now()
        try self.state.withLock { state in
            switch entity {
            case "jobseeker":
                guard var record = state.jobseekers[id] else { throw JSONRPCError.notFound("Jobseeker") }
                if let value = try fields.string("first_name") { record.firstName = value }
                if let value = try fields.string("last_name") { record.lastName = value }
                if fields.has("email") { record.email = try fields.string("email") }
                if fields.has("phone") { record.phone = try fields.string("phone") }
                if fields.has("city") { record.city = try fields.string("city") }
                if fields.has("current_company") { record.currentCompany = try fields.string("current_company") }
                if fields.has("current_position") { record.currentPosition = try fields.string("current_position") }
                state.jobseekers.put(record)
            case "application":
                guard var record = state.applications[id] else { throw JSONRPCError.notFound("Application") }
                if let stage = try fields.int("stage_id") { record.stageID = stage }
                if let status = try fields.string("status") {
                    guard ["active", "rejected", "hired"].contains(status) else {
                        throw JSONRPCError.invalidParams("fields.status", "must be active, rejected or hired")
                    }
                    record.status = status
                }
                state.applications.put(record)
            case "project":
                guard var record = state.projects[id] else { throw JSONRPCError.notFound("Project") }
                if let value = try fields.string("name") { record.name = value }
                if let value = try fields.string("status") { record.status = value }
                if let value = try fields.string("description") { record.description = value }
                if let stages = try fields.objects("stages") { record.stages = try Self.stages(stages, &state) }
                if let team = try fields.objects("users") { record.users = try Self.team(team, state) }
                record.updatedAt = now
                state.projects.put(record)
            case "user":
                guard var record = state.users[id] else { throw JSONRPCError.notFound("User") }
                if let value = try fields.string("first_name") { record.firstName = value }
                if let value = try fields.string("last_name") { record.lastName = value }
                if let value = try fields.string("email") { record.email = value }
                if let value = try fields.bool("active") { record.active = value }
                state.users.put(record)
            case "stage":
                guard let index = state.globalStages.firstIndex(where: { $0.id == id }) else {
                    throw JSONRPCError.notFound("Stage")
                }
                if let value = try fields.string("name") { state.globalStages[index].name = value }
                if let value = try fields.int("position") { state.globalStages[index].position = value }
                if let value = try fields.string("type") { state.globalStages[index].type = try Self.stageType(value) }
            default:
                throw JSONRPCError.invalidParams("entity", "must be jobseeker, project, application, user or stage")
            }
        }
    }

    private func create(_ entity: String, _ fields: RPCParams) throws -> Int {
        let now = self.now()
        switch entity {
        case "jobseeker":
            let first = try fields.requiredString("first_name")
            let last = try fields.requiredString("last_name")
            let email = try fields.string("email")
            return self.state.withLock { state in
                let id = state.nextID("jobseeker")
                state.jobseekers.put(
                    SandboxJobseeker(
                        id: id,
                        firstName: first,
                        lastName: last,
                        email: email,
                        phone: nil,
                        currentCompany: nil,
                        currentPosition: nil,
                        city: nil,
                        country: nil,
                        sourceID: nil,
                        tagIDs: [],
                        gdprConsent: false,
                        gdprConsentUntil: nil,
                        attachments: []
                    )
                )
                return id
            }
        case "tag":
            let name = try fields.requiredString("name")
            return self.state.withLock { state in
                let id = state.nextID("tag")
                state.tags.put(SandboxNamed(id: id, name: name))
                return id
            }
        case "stage":
            let name = try fields.requiredString("name")
            let type = try Self.stageType(try fields.string("type") ?? "in_progress")
            let position = try fields.int("position")
            return self.state.withLock { state in
                let id = state.nextID("stage")
                let stage = SandboxStage(
                    id: id,
                    name: name,
                    position: position ?? (state.globalStages.map(\.position).max() ?? -1) + 1,
                    type: type
                )
                state.globalStages.append(stage)
                return id
            }
        case "project":
            let name = try fields.requiredString("name")
            let status = try fields.string("status") ?? "open"
            return self.state.withLock { state in
                let id = state.nextID("project")
                let stages = (0..<3).map { position in
                    SandboxStage(
                        id: state.nextID("stage"),
                        name: ["Nový", "Pohovor", "Prijatý"][position],
                        position: position,
                        type: ["new", "in_progress", "hired"][position]
                    )
                }
                state.projects.put(
                    SandboxProject(
                        id: id,
                        name: name,
                        description: "",
                        status: status,
                        isPublic: true,
                        department: nil,
                        employmentType: "full_time",
                        seniority: nil,
                        salaryFrom: nil,
                        salaryTo: nil,
                        currency: nil,
                        openedAt: now,
                        closedAt: nil,
                        closeReasonID: nil,
                        updatedAt: now,
                        stages: stages,
                        users: []
                    )
                )
                return id
            }
        case "user":
            let first = try fields.requiredString("first_name")
            let last = try fields.requiredString("last_name")
            let email = try fields.requiredString("email")
            return self.state.withLock { state in
                let id = state.nextID("user")
                state.users.put(SandboxUser(id: id, firstName: first, lastName: last, email: email, active: true))
                return id
            }
        case "application":
            let projectID = try fields.requiredInt("project_id")
            let jobseekerID = try fields.requiredInt("jobseeker_id")
            let stageID = try fields.int("stage_id")
            return try self.state.withLock { state in
                guard let project = state.projects[projectID] else { throw JSONRPCError.notFound("Project") }
                guard state.jobseekers[jobseekerID] != nil else { throw JSONRPCError.notFound("Jobseeker") }
                guard let stage = stageID ?? project.stages.first?.id,
                    project.stages.contains(where: { $0.id == stage })
                else {
                    throw JSONRPCError.invalidParams("fields.stage_id", "is not a stage of the project")
                }
                let id = state.nextID("application")
                state.applications.put(
                    SandboxApplication(
                        id: id,
                        projectID: projectID,
                        jobseekerID: jobseekerID,
                        stageID: stage,
                        status: "active",
                        rejectionReasonID: nil
                    )
                )
                return id
            }
        default:
            throw JSONRPCError.invalidParams("entity", "must be jobseeker, project, tag, user, application or stage")
        }
    }
}

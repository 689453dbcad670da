import ATSBridgeCore
import ATSBridgeRECRU
import Foundation
import Synchronization

/// RECRU's methods, from the adapter's catalogue (``RECRUMethod``, docs/recru-jsonrpc.md).
extension RECRUSandbox {
    func dispatch(_ name: String, _ params: RPCParams, _ context: CallContext) throws -> Any {
        guard let method = RECRUMethod(rawValue: name) else {
            if name.hasPrefix("SandboxAdmin.") { return try self.admin(name, params, context) }
            try self.authenticate(context)
            throw JSONRPCError.methodNotFound(name)
        }
        if method.needsToken { try self.authenticate(context) }
        switch method {
        case .login:
            return try self.login(params)
        case .ping:
            return "pong"
        case .logout:
            _ = self.state.withLock { $0.tokens.removeValue(forKey: context.token ?? "") }
            return true
        case .userList:
            let (page, limit) = try params.paging(
                defaultLimit: self.configuration.defaultLimit,
                maxLimit: self.configuration.maxLimit
            )
            return self.state.withLock { state in
                let result = state.users.page(page, limit: limit)
                return Self.page(result.items.map(Self.json), total: result.total, page: page, limit: limit)
            }
        case .projectList:
            let (page, limit) = try params.paging(
                defaultLimit: self.configuration.defaultLimit,
                maxLimit: self.configuration.maxLimit
            )
            let changedSince = try params.date("changed_since")
            return self.state.withLock { state in
                var projects = state.projects.all
                if let changedSince { projects = projects.filter { $0.updatedAt > changedSince } }
                let start = min(projects.count, (page - 1) * limit)
                let slice = projects[start..<min(projects.count, start + limit)]
                return Self.page(slice.map(Self.json), total: projects.count, page: page, limit: limit)
            }
        case .project:
            let id = try params.requiredInt("id")
            guard let project = self.state.withLock({ $0.projects[id] }) else { throw JSONRPCError.notFound("Project") }
            return Self.json(project)
        case .globalStages:
            return self.state.withLock { $0.globalStages.map(Self.json) }
        case .jobseekerList:
            let (page, limit) = try params.paging(
                defaultLimit: self.configuration.defaultLimit,
                maxLimit: self.configuration.maxLimit
            )
            let projectID = try params.int("project_id")
            let tagID = try params.int("tag_id")
            return self.state.withLock { state in
                // Applicants of the project, as RECRU's project filter lists them.
                let applicants = projectID.map { project in
                    Set(state.applications.all.lazy.filter { $0.projectID == project }.map(\.jobseekerID))
                }
                let filtered = applicants != nil || tagID != nil
                let result = state.jobseekers.page(
                    page,
                    limit: limit,
                    where: !filtered
                        ? nil
                        : { jobseeker in
                            applicants.map { $0.contains(jobseeker.id) } ?? true
                                && tagID.map { jobseeker.tagIDs.contains($0) } ?? true
                        }
                )
                return Self.page(
                    Self.list(result.items) { Self.write($0, state, to: &$1) },
                    total: result.total,
                    page: page,
                    limit: limit
                )
            }
        case .jobseeker:
            let id = try params.requiredInt("id")
            return try self.state.withLock { state in
                guard let jobseeker = state.jobseekers[id] else { throw JSONRPCError.notFound("Jobseeker") }
                return Self.json(jobseeker, state)
            }
        case .applicationList:
            let (page, limit) = try params.paging(
                defaultLimit: self.configuration.defaultLimit,
                maxLimit: self.configuration.maxLimit
            )
            let projectID = try params.int("project_id")
            let jobseekerID = try params.int("jobseeker_id")
            return self.state.withLock { state in
                let filtered = projectID != nil || jobseekerID != nil
                let result = state.applications.page(
                    page,
                    limit: limit,
                    where: !filtered
                        ? nil
                        : { application in
                            projectID.map { application.projectID == $0 } ?? true
                                && jobseekerID.map { application.jobseekerID == $0 } ?? true
                        }
                )
                return Self.page(
                    Self.list(result.items) { Self.write($0, to: &$1) },
                    total: result.total,
                    page: page,
                    limit: limit
                )
            }
        case .tagList:
            return self.state.withLock {
                $0.tags.all.map { ["id": $0.id, "name": $0.name, "color": "#3a7bd5"] as JSONObject }
            }
        case .jobseekerSources:
            return self.state.withLock { $0.sources.map(Self.json) }
        case .rejectionReasons:
            return self.state.withLock { $0.rejectionReasons.map(Self.json) }
        case .projectCloseReasons:
            return self.state.withLock { $0.closeReasons.map(Self.json) }
        case .addTags:
            return try self.addTags(params)
        case .apply:
            return try self.apply(params)
        }
    }

    private func login(_ params: RPCParams) throws -> Any {
        let login = try params.requiredString("login")
        let password = try params.requiredString("password")
        guard login == self.configuration.login, password == self.configuration.password else {
            throw JSONRPCError.invalidLogin
        }
        let token = (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 16) }.joined()
        let expiresAt = self.now() + self.configuration.tokenLifetime.milliseconds
        self.state.withLock { $0.tokens[token] = expiresAt }
        return ["token": token, "expires_at": ISODates.format(expiresAt), "user": ["id": 1, "name": "API"]]
            as [String: Any]
    }

    /// A list result; `items` is `[JSONObject]` or a ``JSONFragment`` holding the array.
    static func page(_ items: Any, total: Int, page: Int, limit: Int) -> JSONObject {
        ["items": items, "total": total, "page": page, "limit": limit]
    }
}

import ATSBridgeCore
import Foundation
import Synchronization

/// The method catalogue (docs/recru-jsonrpc.md).
extension RECRUSandbox {
    func dispatch(_ method: String, _ params: RPCParams, _ context: CallContext) throws -> Any {
        switch method {
        case "AuthService.login":
            return try self.login(params)
        case "SystemService.ping":
            return "pong"
        case _ where method.hasPrefix("SandboxAdmin."):
            return try self.admin(method, params, context)
        default:
            break
        }
        try self.authenticate(context)
        switch method {
        case "AuthService.logout":
            _ = self.state.withLock { $0.tokens.removeValue(forKey: context.token ?? "") }
            return true
        case "UserService.getList":
            let (page, limit) = try params.paging(
                defaultLimit: self.configuration.defaultLimit,
                maxLimit: self.configuration.maxLimit
            )
            return self.state.withLock { state in
                let result = state.users.page(page, limit: limit)
                return Self.page(result.items.map(Self.json), total: result.total, page: page, limit: limit)
            }
        case "ProjectService.getList":
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
        case "ProjectService.get":
            let id = try params.requiredInt("id")
            guard let project = self.state.withLock({ $0.projects[id] }) else { throw JSONRPCError.notFound("Project") }
            return Self.json(project)
        case "ProjectService.getStages":
            return self.state.withLock { $0.globalStages.map(Self.json) }
        case "JobseekerService.getList":
            let (page, limit) = try params.paging(
                defaultLimit: self.configuration.defaultLimit,
                maxLimit: self.configuration.maxLimit
            )
            return self.state.withLock { state in
                let result = state.jobseekers.page(page, limit: limit)
                return Self.page(
                    result.items.map { Self.json($0, state) },
                    total: result.total,
                    page: page,
                    limit: limit
                )
            }
        case "JobseekerService.get":
            let id = try params.requiredInt("id")
            return try self.state.withLock { state in
                guard let jobseeker = state.jobseekers[id] else { throw JSONRPCError.notFound("Jobseeker") }
                return Self.json(jobseeker, state)
            }
        case "ApplicationService.getList":
            let (page, limit) = try params.paging(
                defaultLimit: self.configuration.defaultLimit,
                maxLimit: self.configuration.maxLimit
            )
            return self.state.withLock { state in
                let result = state.applications.page(page, limit: limit)
                return Self.page(result.items.map(Self.json), total: result.total, page: page, limit: limit)
            }
        case "TagService.getList":
            return self.state.withLock {
                $0.tags.all.map { ["id": $0.id, "name": $0.name, "color": "#3a7bd5"] as [String: Any] }
            }
        case "CodebookService.getJobseekerSources":
            return self.state.withLock { $0.sources.map(Self.json) }
        case "CodebookService.getRejectionReasons":
            return self.state.withLock { $0.rejectionReasons.map(Self.json) }
        case "CodebookService.getProjectCloseReasons":
            return self.state.withLock { $0.closeReasons.map(Self.json) }
        case "JobseekerService.addTags":
            return try self.addTags(params)
        case "JobseekerService.apply":
            return try self.apply(params)
        default:
            throw JSONRPCError.methodNotFound(method)
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

    static func page(_ items: [[String: Any]], total: Int, page: Int, limit: Int) -> [String: Any] {
        ["items": items, "total": total, "page": page, "limit": limit]
    }
}

/// RECRU's JSON-RPC methods (docs/recru-jsonrpc.md): the one catalogue that the client and the
/// sandbox both code against, with each method's parameters.
package enum RECRUMethod: String, CaseIterable, Sendable {
    case login = "AuthService.login"
    case logout = "AuthService.logout"
    case ping = "SystemService.ping"
    case userList = "UserService.getList"
    case projectList = "ProjectService.getList"
    case project = "ProjectService.get"
    case globalStages = "ProjectService.getStages"
    case jobseekerList = "JobseekerService.getList"
    case jobseeker = "JobseekerService.get"
    case applicationList = "ApplicationService.getList"
    case tagList = "TagService.getList"
    case jobseekerSources = "CodebookService.getJobseekerSources"
    case rejectionReasons = "CodebookService.getRejectionReasons"
    case projectCloseReasons = "CodebookService.getProjectCloseReasons"
    case apply = "JobseekerService.apply"
    case addTags = "JobseekerService.addTags"

    /// Whether the call needs a bearer token (every method but login and ping).
    package var needsToken: Bool {
        switch self {
        case .login, .ping: false
        default: true
        }
    }

    /// Whether transient failures are retried: reads only. `apply` would create a second
    /// jobseeker or application; `addTags` could be repeated, but a write answers its caller
    /// within the call's deadline, with RECRU's failure, instead of retrying past it.
    package var isRetried: Bool { self != .apply && self != .addTags }

    /// Whether the method pages (`page`, `limit`; answers `{items, total, page, limit}`).
    package var isPaged: Bool {
        switch self {
        case .userList, .projectList, .jobseekerList, .applicationList: true
        default: false
        }
    }

    /// The parameters the method takes.
    package var parameters: [RECRUParameter] {
        let paging = [RECRUParameter("page", .integer), RECRUParameter("limit", .integer)]
        switch self {
        case .login:
            return [
                RECRUParameter("login", .string, required: true), RECRUParameter("password", .string, required: true),
            ]
        case .logout, .ping, .globalStages, .tagList, .jobseekerSources, .rejectionReasons, .projectCloseReasons:
            return []
        case .userList: return paging
        case .jobseekerList:
            return paging + [RECRUParameter("project_id", .integer), RECRUParameter("tag_id", .integer)]
        case .applicationList:
            return paging + [RECRUParameter("project_id", .integer), RECRUParameter("jobseeker_id", .integer)]
        case .projectList: return paging + [RECRUParameter("changed_since", .date)]
        case .project, .jobseeker: return [RECRUParameter("id", .integer, required: true)]
        case .apply:
            return [
                RECRUParameter("project_id", .integer, required: true), RECRUParameter("stage_id", .integer),
                RECRUParameter("jobseeker", .object), RECRUParameter("jobseeker_id", .integer),
                RECRUParameter("attachments", .array), RECRUParameter("source", .object),
                RECRUParameter("gdpr_consent", .object),
            ]
        case .addTags:
            return [
                RECRUParameter("jobseeker_id", .integer, required: true),
                RECRUParameter("tag_ids", .array, required: true),
            ]
        }
    }

    /// Whether every name is a parameter of the method (a missing required one is RECRU's
    /// to refuse, with `-32602`).
    package func accepts(_ names: some Collection<String>) -> Bool {
        let declared = self.parameters
        return names.allSatisfy { name in declared.contains { $0.name == name } }
    }
}

/// A parameter of a RECRU method: its name, JSON shape and whether it is required.
package struct RECRUParameter: Sendable, Hashable {
    /// The JSON shape of a parameter.
    package enum Shape: Sendable, Hashable {
        case integer
        case string
        /// An ISO 8601 date or date-time string.
        case date
        case object
        case array
    }

    package var name: String
    package var shape: Shape
    package var required: Bool

    package init(_ name: String, _ shape: Shape, required: Bool = false) {
        self.name = name
        self.shape = shape
        self.required = required
    }
}

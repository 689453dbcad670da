import ATSBridgeCore
import ATSBridgeProto
import Foundation

/// The model filters of `get`, checked against the model: a flag that does not apply to it is
/// a usage error naming the model's filters, unless `--ignore-unsupported-filters` drops it.
struct GetFilters {
    /// The model-specific flags of each model (the common ones apply to all).
    static let flags: [String: [String]] = [
        "users": ["--email"],
        "jobs": ["--name-contains", "--job-code", "--remote-created-after"],
        "candidates": ["--email", "--remote-created-after"],
        "applications": ["--remote-created-after"],
    ]
    /// Flags every model takes.
    static let common = ["--id", "--updated-after", "--include-deleted"]

    var email: String?
    var nameContains: String?
    var jobCodes: [String]
    var remoteCreatedAfter: Int64?

    init(command: GetCommand) throws {
        let model = command.model.replacingOccurrences(of: "-", with: "_")
        let given: [(flag: String, isSet: Bool)] = [
            ("--email", command.email != nil), ("--name-contains", command.nameContains != nil),
            ("--job-code", !command.jobCode.isEmpty), ("--remote-created-after", command.remoteCreatedAfter != nil),
        ]
        let applicable = Set(Self.flags[model] ?? [])
        let foreign = given.filter { $0.isSet && !applicable.contains($0.flag) }.map(\.flag)
        if !foreign.isEmpty, !command.ignoreUnsupportedFilters, CLIModels.names.contains(model) {
            let own = (Self.flags[model] ?? []) + Self.common
            throw CLIFailure.usage(
                "\(foreign.joined(separator: ", ")) \(foreign.count == 1 ? "does" : "do") not apply to \(model); "
                    + "the filters of \(model) are \(own.joined(separator: ", ")) "
                    + "(--ignore-unsupported-filters drops the others)"
            )
        }
        func keep(_ flag: String) -> Bool { applicable.contains(flag) }
        self.email = keep("--email") ? command.email : nil
        self.nameContains = keep("--name-contains") ? command.nameContains : nil
        self.jobCodes = keep("--job-code") ? command.jobCode : []
        self.remoteCreatedAfter =
            keep("--remote-created-after") ? command.remoteCreatedAfter.flatMap(ISODates.parse) : nil
    }

    /// Whether a filter is set on a field some ATS do not provide (RECRU has no job codes and
    /// no creation times): such a filter matches nothing unless unsupported filters are ignored.
    var onOptionalFields: Bool { !self.jobCodes.isEmpty || self.remoteCreatedAfter != nil }

    /// The request with the model's filters set.
    func apply<Request: ModelListRequest>(to request: Request) -> Request {
        if var users = request as? ListUsersRequest {
            if let email = self.email { users.emails = [email] }
            return users as? Request ?? request
        }
        if var jobs = request as? ListJobsRequest {
            jobs.nameContains = self.nameContains
            jobs.jobCodes = self.jobCodes
            jobs.remoteCreatedAfter = self.remoteCreatedAfter
            return jobs as? Request ?? request
        }
        if var candidates = request as? ListCandidatesRequest {
            candidates.email = self.email
            candidates.remoteCreatedAfter = self.remoteCreatedAfter
            return candidates as? Request ?? request
        }
        if var applications = request as? ListApplicationsRequest {
            applications.remoteCreatedAfter = self.remoteCreatedAfter
            return applications as? Request ?? request
        }
        return request
    }
}

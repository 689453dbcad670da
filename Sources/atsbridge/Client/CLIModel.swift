import ATSBridgeProto
import Foundation

/// A list request of any model: they all carry the common `page` filters.
protocol ModelListRequest: ProtoMessage {
    var page: PageRequest? { get set }
}

/// A page of any model.
protocol ModelPage: ProtoMessage {
    associatedtype Item: ProtoMessage & WireJSONWritable
    var items: [Item] { get }
    var nextCursor: String? { get }
}

/// One model as the CLI reads it: its list, page and get methods, and its table columns.
protocol CLIModel {
    associatedtype Request: ModelListRequest
    associatedtype Page: ModelPage
    static var list: MethodDescriptor<Request, Page> { get }
    static var page: MethodDescriptor<Request, Page> { get }
    static var get: MethodDescriptor<GetRequest, Page.Item> { get }
    /// JSON fields shown by `--format table`.
    static var columns: [String] { get }
}

/// Runs generic code for a model chosen at run time.
protocol CLIModelVisitor {
    associatedtype Result
    func visit<M: CLIModel>(_ model: M.Type) async throws -> Result
}

/// The models by their CLI names (the unified API's plural, snake_case).
enum CLIModels {
    static let names = [
        "users", "jobs", "candidates", "application_stages", "applications", "tags", "candidate_tags",
        "job_application_stages", "job_hiring_team_members",
    ]

    static func visit<V: CLIModelVisitor>(_ name: String, _ visitor: V) async throws -> V.Result {
        switch name.replacingOccurrences(of: "-", with: "_") {
        case "users": try await visitor.visit(UserModel.self)
        case "jobs": try await visitor.visit(JobModel.self)
        case "candidates": try await visitor.visit(CandidateModel.self)
        case "application_stages": try await visitor.visit(ApplicationStageModel.self)
        case "applications": try await visitor.visit(ApplicationModel.self)
        case "tags": try await visitor.visit(TagModel.self)
        case "candidate_tags": try await visitor.visit(CandidateTagModel.self)
        case "job_application_stages": try await visitor.visit(JobApplicationStageModel.self)
        case "job_hiring_team_members": try await visitor.visit(JobHiringTeamMemberModel.self)
        default: throw CLIFailure.usage("unknown model '\(name)'; one of: \(Self.names.joined(separator: ", "))")
        }
    }
}

extension ListUsersRequest: ModelListRequest {}
extension ListJobsRequest: ModelListRequest {}
extension ListCandidatesRequest: ModelListRequest {}
extension ListApplicationStagesRequest: ModelListRequest {}
extension ListApplicationsRequest: ModelListRequest {}
extension ListTagsRequest: ModelListRequest {}
extension ListCandidateTagsRequest: ModelListRequest {}
extension ListJobApplicationStagesRequest: ModelListRequest {}
extension ListJobHiringTeamMembersRequest: ModelListRequest {}
extension UserPage: ModelPage {}
extension JobPage: ModelPage {}
extension CandidatePage: ModelPage {}
extension ApplicationStagePage: ModelPage {}
extension ApplicationPage: ModelPage {}
extension TagPage: ModelPage {}
extension CandidateTagPage: ModelPage {}
extension JobApplicationStagePage: ModelPage {}
extension JobHiringTeamMemberPage: ModelPage {}

enum UserModel: CLIModel {
    static let list = AtsReadService.listUsers
    static let page = AtsReadService.getUserPage
    static let get = AtsReadService.getUser
    static let columns = ["id", "remote_id", "first_name", "last_name", "email"]
}

enum JobModel: CLIModel {
    static let list = AtsReadService.listJobs
    static let page = AtsReadService.getJobPage
    static let get = AtsReadService.getJob
    static let columns = ["id", "remote_id", "name", "status", "employment_type", "changed_at"]
}

enum CandidateModel: CLIModel {
    static let list = AtsReadService.listCandidates
    static let page = AtsReadService.getCandidatePage
    static let get = AtsReadService.getCandidate
    static let columns = ["id", "remote_id", "first_name", "last_name", "company", "changed_at"]
}

enum ApplicationStageModel: CLIModel {
    static let list = AtsReadService.listApplicationStages
    static let page = AtsReadService.getApplicationStagePage
    static let get = AtsReadService.getApplicationStage
    static let columns = ["id", "remote_id", "name"]
}

enum ApplicationModel: CLIModel {
    static let list = AtsReadService.listApplications
    static let page = AtsReadService.getApplicationPage
    static let get = AtsReadService.getApplication
    static let columns = ["id", "remote_id", "outcome", "job_id", "candidate_id", "current_stage_id"]
}

enum TagModel: CLIModel {
    static let list = AtsReadService.listTags
    static let page = AtsReadService.getTagPage
    static let get = AtsReadService.getTag
    static let columns = ["id", "remote_id", "name"]
}

enum CandidateTagModel: CLIModel {
    static let list = AtsReadService.listCandidateTags
    static let page = AtsReadService.getCandidateTagPage
    static let get = AtsReadService.getCandidateTag
    static let columns = ["id", "candidate_id", "tag_id"]
}

enum JobApplicationStageModel: CLIModel {
    static let list = AtsReadService.listJobApplicationStages
    static let page = AtsReadService.getJobApplicationStagePage
    static let get = AtsReadService.getJobApplicationStage
    static let columns = ["id", "job_id", "stage_id", "index"]
}

enum JobHiringTeamMemberModel: CLIModel {
    static let list = AtsReadService.listJobHiringTeamMembers
    static let page = AtsReadService.getJobHiringTeamMemberPage
    static let get = AtsReadService.getJobHiringTeamMember
    static let columns = ["id", "job_id", "user_id", "roles"]
}

import ATSBridgeCore
import Foundation

/// Finding what an `apply` whose answer was lost created, so that its retry returns the
/// application instead of writing a second one or meeting RECRU's duplicate check.
extension RECRUConnection {
    /// The most pages of a job's applicants read while looking, from the last.
    static let lostWritePageLimit = 500
    /// Applicants per page while looking: RECRU's largest page.
    private static let lostWritePageSize = 200

    /// Whether an `apply` that failed this way may still have been written by RECRU: the
    /// request may have arrived and only its answer was lost (a dropped connection, a cut-off
    /// or unreadable body, a server error). Rate limits, refused credentials, RECRU's own
    /// refusals and a login that failed before the request was sent say it was not.
    static func mayHaveWritten(_ error: ATSBridgeError) -> Bool {
        (error.code == .remoteUnavailable || error.code == .remoteUnknown) && !(error.cause is RECRUClient.NotSent)
    }

    /// What an earlier `apply` of `command` created, if RECRU has it: the application to the
    /// job of the existing jobseeker the command names, or of a jobseeker with the
    /// command's email (any of their addresses, compared without case) among the job's
    /// applicants, newest first, as a new jobseeker is the last in RECRU's id order. `nil` when
    /// RECRU has none, so the earlier apply never happened.
    func findApplied(_ command: RemoteApplicationCommand) async throws -> Applied? {
        // When RECRU no longer had that jobseeker, the lost apply created one: found by email.
        if let existing = command.candidateRemoteID,
            let found = try await self.application(of: existing, to: command.jobRemoteID)
        {
            return found
        }
        let project = RECRUMapper.number(command.jobRemoteID)
        let email = command.email.lowercased()
        let size = Self.lostWritePageSize
        let first = try await self.listPage(.jobseekerList, ["project_id": project, "page": 1, "limit": size])
        // The newest pages: RECRU lists in id order, so a new jobseeker is on the last.
        let pages = max(1, (first.total + size - 1) / size)
        for page in stride(from: pages, through: max(1, pages - Self.lostWritePageLimit + 1), by: -1) {
            let list =
                page == 1
                ? first : try await self.listPage(.jobseekerList, ["project_id": project, "page": page, "limit": size])
            for item in list.items.reversed() where Self.addresses(item).contains(email) {
                guard let id = item["id"].map(RECRUMapper.idText) else { continue }
                if let found = try await self.application(of: id, to: command.jobRemoteID) { return found }
            }
        }
        return nil
    }

    /// A jobseeker's email addresses, lower-cased: `email` and every `emails[].email`.
    private static func addresses(_ jobseeker: [String: Any]) -> Set<String> {
        let listed = (jobseeker["emails"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String }
        return Set(([jobseeker["email"] as? String].compactMap { $0 } + listed).map { $0.lowercased() })
    }

    /// The application of jobseeker `jobseeker` to project `project`, if RECRU has one.
    private func application(of jobseeker: String, to project: String) async throws -> Applied? {
        let applications = try await self.listPage(
            .applicationList,
            [
                "project_id": RECRUMapper.number(project), "jobseeker_id": RECRUMapper.number(jobseeker),
                "page": 1, "limit": Self.lostWritePageSize,
            ]
        )
        // Checked here too, in case RECRU ignores a filter.
        let application = applications.items.first {
            $0["project_id"].map(RECRUMapper.idText) == project
                && $0["jobseeker_id"].map(RECRUMapper.idText) == jobseeker
        }
        guard let application, let id = application["id"] else { return nil }
        let stage = application["stage_id"].flatMap { $0 is NSNull ? nil : RECRUMapper.idText($0) }
        return Applied(jobseeker: jobseeker, application: RECRUMapper.idText(id), project: project, stage: stage)
    }

    /// One page of a RECRU list, its items as objects.
    private func listPage(_ method: RECRUMethod, _ params: [String: Any]) async throws -> (
        items: [[String: Any]], total: Int
    ) {
        guard let page = try await self.client.call(method, params) as? [String: Any],
            let items = page["items"] as? [[String: Any]]
        else {
            throw ATSBridgeError(.remoteUnknown, "RECRU answered \(method.rawValue) with an unexpected shape")
        }
        return (items, page["total"] as? Int ?? items.count)
    }
}

import ATSBridgeCore
import Foundation

/// Finding what an `apply` whose answer was lost created, so that its retry returns the
/// application instead of writing a second one or meeting RECRU's duplicate check.
extension RECRUConnection {
    /// The most pages of a job's applicants read while looking (200 each).
    static let lostWritePageLimit = 500

    /// Whether an `apply` that failed this way may still have been written by RECRU: the
    /// request may have arrived and only its answer was lost (a dropped connection, a cut-off
    /// or unreadable body, a server error). Rate limits, refused credentials and RECRU's own
    /// refusals say it was not.
    static func mayHaveWritten(_ error: ATSBridgeError) -> Bool {
        error.code == .remoteUnavailable || error.code == .remoteUnknown
    }

    /// What an earlier `apply` of `command` created, if RECRU has it: the jobseeker with the
    /// command's email (compared without case, as RECRU's duplicate check does) among the job's
    /// applicants, and its application to the job. `nil` when RECRU has none, so the earlier
    /// apply never happened.
    func findApplied(_ command: RemoteApplicationCommand) async throws -> Applied? {
        let project = RECRUMapper.number(command.jobRemoteID)
        let email = command.email.lowercased()
        var jobseeker: String?
        var page = 1
        search: while page <= Self.lostWritePageLimit {
            let list = try await self.listPage(.jobseekerList, ["project_id": project, "page": page, "limit": 200])
            for item in list.items where (item["email"] as? String)?.lowercased() == email {
                if let id = item["id"] {
                    jobseeker = RECRUMapper.idText(id)
                    break search
                }
            }
            guard list.items.count == 200, page * 200 < list.total else { break }
            page += 1
        }
        guard let jobseeker else { return nil }
        let applications = try await self.listPage(
            .applicationList,
            ["project_id": project, "jobseeker_id": RECRUMapper.number(jobseeker), "page": 1, "limit": 200]
        )
        // Checked here too, in case RECRU ignores a filter.
        let application = applications.items.first {
            $0["project_id"].map(RECRUMapper.idText) == command.jobRemoteID
                && $0["jobseeker_id"].map(RECRUMapper.idText) == jobseeker
        }
        guard let application, let id = application["id"] else { return nil }
        let stage = application["stage_id"].flatMap { $0 is NSNull ? nil : RECRUMapper.idText($0) }
        return Applied(
            jobseeker: jobseeker,
            application: RECRUMapper.idText(id),
            project: command.jobRemoteID,
            stage: stage
        )
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

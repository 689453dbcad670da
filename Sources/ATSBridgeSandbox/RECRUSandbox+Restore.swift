import Synchronization

/// `SandboxAdmin.restore`: brings a record deleted through the admin API back with its old id,
/// as when a record reappears in RECRU (ATSBridge's next full sync then clears its tombstone).
extension RECRUSandbox {
    /// Restores a deleted record with its id. A restored jobseeker or project gets back the
    /// applications its deletion took whose jobseeker and project both exist again; a restored
    /// tag is put back on the jobseekers it was taken from.
    ///
    /// - Throws: -32004 when no deleted record has the id, -32602 when a live one does.
    package func restore(_ entity: String, id: Int) throws {
        try self.state.withLock { state in
            switch entity {
            case "jobseeker":
                guard let jobseeker = state.trash.jobseekers.remove(id) else {
                    throw JSONRPCError.notFound("Deleted jobseeker")
                }
                try Self.free(state.jobseekers[id])
                state.jobseekers.put(jobseeker)
                Self.restoreApplications(&state) { $0.jobseekerID == id }
            case "project":
                guard let project = state.trash.projects.remove(id) else {
                    throw JSONRPCError.notFound("Deleted project")
                }
                try Self.free(state.projects[id])
                state.projects.put(project)
                Self.restoreApplications(&state) { $0.projectID == id }
            case "application":
                guard let application = state.trash.applications[id] else {
                    throw JSONRPCError.notFound("Deleted application")
                }
                try Self.free(state.applications[id])
                guard state.projects[application.projectID] != nil, state.jobseekers[application.jobseekerID] != nil
                else {
                    throw JSONRPCError.invalidParams("id", "its project or jobseeker is deleted; restore that first")
                }
                state.trash.applications.remove(id)
                state.applications.put(application)
            case "user":
                guard let user = state.trash.users.remove(id) else { throw JSONRPCError.notFound("Deleted user") }
                try Self.free(state.users[id])
                state.users.put(user)
            case "tag":
                guard let tag = state.trash.tags.remove(id) else { throw JSONRPCError.notFound("Deleted tag") }
                try Self.free(state.tags[id])
                state.tags.put(tag)
                for jobseekerID in state.trash.tagLinks.removeValue(forKey: id) ?? [] {
                    guard var jobseeker = state.jobseekers[jobseekerID], !jobseeker.tagIDs.contains(id) else {
                        continue
                    }
                    jobseeker.tagIDs.append(id)
                    state.jobseekers.put(jobseeker)
                }
            case "stage":
                guard let stage = state.trash.globalStages.removeValue(forKey: id) else {
                    throw JSONRPCError.notFound("Deleted stage")
                }
                state.globalStages.append(stage)
                state.globalStages.sort { $0.position < $1.position }
            default:
                throw JSONRPCError.invalidParams(
                    "entity",
                    "must be jobseeker, project, application, user, tag or stage"
                )
            }
        }
    }

    private static func free(_ live: (some SandboxRecord)?) throws {
        if live != nil { throw JSONRPCError.invalidParams("id", "a live record has this id") }
    }

    /// Brings back the deleted applications of the restored record whose project and jobseeker
    /// both exist again.
    private static func restoreApplications(
        _ state: inout SandboxState,
        of restored: (SandboxApplication) -> Bool
    ) {
        for application in state.trash.applications.all
        where restored(application) && state.projects[application.projectID] != nil
            && state.jobseekers[application.jobseekerID] != nil
        {
            state.trash.applications.remove(application.id)
            state.applications.put(application)
        }
    }
}

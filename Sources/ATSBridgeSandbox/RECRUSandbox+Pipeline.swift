/// Admin edits of a project's pipeline and hiring team (`SandboxAdmin.update` of a project with
/// `fields.stages` or `fields.users`), and of global stages.
extension RECRUSandbox {
    /// The stages a project gets from `fields.stages`: each `{id?, name, position?, type?}`; an
    /// entry without `id` is a new stage, one with the id of a current stage renames or moves it.
    /// Stages not listed are removed. Positions default to the list order.
    static func stages(_ entries: [RPCParams], _ state: inout SandboxState) throws -> [SandboxStage] {
        var stages: [SandboxStage] = []
        for (index, entry) in entries.enumerated() {
            let id = try entry.int("id") ?? state.nextID("stage")
            guard !stages.contains(where: { $0.id == id }) else {
                throw JSONRPCError.invalidParams("fields.stages[\(index)].id", "is listed twice")
            }
            stages.append(
                SandboxStage(
                    id: id,
                    name: try entry.requiredString("name"),
                    position: try entry.int("position") ?? index,
                    type: try Self.stageType(
                        try entry.string("type") ?? Self.stageType(position: index, of: entries.count)
                    )
                )
            )
        }
        return stages.sorted { $0.position < $1.position }
    }

    /// The hiring team from `fields.users`: each `{user_id, role}`, the user existing.
    static func team(_ entries: [RPCParams], _ state: SandboxState) throws -> [SandboxProjectUser] {
        try entries.enumerated().map { index, entry in
            let userID = try entry.requiredInt("user_id")
            guard state.users[userID] != nil else {
                throw JSONRPCError.invalidParams("fields.users[\(index)].user_id", "is not a user")
            }
            return SandboxProjectUser(userID: userID, role: try entry.string("role") ?? "recruiter")
        }
    }

    /// A stage type: `new`, `in_progress`, `hired` or `rejected`.
    static func stageType(_ text: String) throws -> String {
        guard ["new", "in_progress", "hired", "rejected"].contains(text) else {
            throw JSONRPCError.invalidParams("type", "must be new, in_progress, hired or rejected")
        }
        return text
    }

    private static func stageType(position: Int, of count: Int) -> String {
        position == 0 ? "new" : position == count - 1 ? "hired" : "in_progress"
    }
}

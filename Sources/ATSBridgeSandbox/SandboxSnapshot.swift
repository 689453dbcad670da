import ATSBridgeCore
import Foundation

/// The sandbox's records and id counters as a JSON file, so that a sandbox restarted on the
/// same file (the demo's data directory) keeps what was written to it and never hands out a
/// RECRU id twice. Tokens and rate windows are not kept: clients log in again.
struct SandboxSnapshot: Codable {
    var users: [SandboxUser]
    var projects: [SandboxProject]
    var jobseekers: [SandboxJobseeker]
    var applications: [SandboxApplication]
    var tags: [SandboxNamed]
    var globalStages: [SandboxStage]
    var sources: [SandboxNamed]
    var rejectionReasons: [SandboxNamed]
    var closeReasons: [SandboxNamed]
    var nextIDs: [String: Int]

    init(_ state: SandboxState) {
        self.users = state.users.all
        self.projects = state.projects.all
        self.jobseekers = state.jobseekers.all
        self.applications = state.applications.all
        self.tags = state.tags.all
        self.globalStages = state.globalStages
        self.sources = state.sources
        self.rejectionReasons = state.rejectionReasons
        self.closeReasons = state.closeReasons
        self.nextIDs = state.nextIDs
    }

    /// The state the snapshot holds.
    var state: SandboxState {
        var state = SandboxState()
        for user in self.users { state.users.put(user) }
        for project in self.projects { state.projects.put(project) }
        for jobseeker in self.jobseekers { state.jobseekers.put(jobseeker) }
        for application in self.applications { state.applications.put(application) }
        for tag in self.tags { state.tags.put(tag) }
        state.globalStages = self.globalStages
        state.sources = self.sources
        state.rejectionReasons = self.rejectionReasons
        state.closeReasons = self.closeReasons
        state.nextIDs = self.nextIDs
        return state
    }

    /// The snapshot in `path`, or nil when there is no such file.
    ///
    /// - Throws: INTERNAL for a file that exists but cannot be read as a snapshot (it is left
    ///   as is: seeding over it would reuse RECRU ids).
    static func load(_ path: String) throws -> SandboxSnapshot? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path),
            let snapshot = try? JSONDecoder().decode(SandboxSnapshot.self, from: data)
        else {
            throw ATSBridgeError(
                .internalError,
                "the sandbox's data file \(path) cannot be read; move it away to start from seeded data"
            )
        }
        return snapshot
    }

    /// Writes the snapshot to `path` atomically (a crash leaves the previous one), owner-only.
    func save(_ path: String) throws {
        let data = try JSONEncoder().encode(self)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}

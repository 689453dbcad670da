/// Records deleted through the admin API, kept so that `SandboxAdmin.restore` can bring one back
/// with its old id (and what its deletion took with it).
package struct SandboxTrash: Sendable {
    package var users = SandboxTable<SandboxUser>()
    package var projects = SandboxTable<SandboxProject>()
    package var jobseekers = SandboxTable<SandboxJobseeker>()
    package var applications = SandboxTable<SandboxApplication>()
    package var tags = SandboxTable<SandboxNamed>()
    package var globalStages: [Int: SandboxStage] = [:]
    /// The jobseekers a deleted tag was taken from, by tag id.
    package var tagLinks: [Int: [Int]] = [:]
}

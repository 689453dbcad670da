/// How much seeded data the sandbox holds.
public struct SandboxSize: Sendable, Hashable {
    /// Users (recruiters, hiring managers).
    public var users: Int
    /// Projects (jobs).
    public var projects: Int
    /// Jobseekers (candidates).
    public var jobseekers: Int
    /// Applications.
    public var applications: Int
    /// Tags.
    public var tags: Int

    /// Creates explicit counts.
    public init(users: Int, projects: Int, jobseekers: Int, applications: Int, tags: Int = 12) {
        self.users = users
        self.projects = projects
        self.jobseekers = jobseekers
        self.applications = applications
        self.tags = tags
    }

    /// A handful of each, for unit tests and the demo.
    public static let small = Self(users: 8, projects: 12, jobseekers: 60, applications: 90)
    /// Hundreds to thousands.
    public static let medium = Self(users: 40, projects: 200, jobseekers: 5_000, applications: 10_000)
    /// The benchmark size: 2,000 projects, 100,000 jobseekers, 200,000 applications.
    public static let large = Self(users: 200, projects: 2_000, jobseekers: 100_000, applications: 200_000)

    /// A preset by name: `small`, `medium` or `large`.
    public init?(preset: String) {
        switch preset {
        case "small": self = .small
        case "medium": self = .medium
        case "large": self = .large
        default: return nil
        }
    }
}

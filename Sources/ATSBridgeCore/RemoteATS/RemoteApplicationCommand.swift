/// A validated create command for a remote ATS: a new candidate with one application, with
/// remote ids already resolved.
public struct RemoteApplicationCommand: Sendable {
    /// The remote id of the job applied to.
    public var jobRemoteID: String
    /// The remote id of the stage to start in; `nil` lets the remote choose its first.
    public var stageRemoteID: String?
    /// The candidate's first name.
    public var firstName: String
    /// The candidate's last name.
    public var lastName: String
    /// The candidate's email address.
    public var email: String
    /// The candidate's phone number.
    public var phone: String?
    /// The candidate's city.
    public var city: String?
    /// The candidate's country, ISO 3166-1 alpha-2.
    public var country: String?
    /// The candidate's current company.
    public var company: String?
    /// The candidate's current title.
    public var title: String?
    /// Attachments, with their bytes.
    public var attachments: [RemoteAttachment]
    /// The source to record, created by name in the remote if it lacks it.
    public var sourceName: String?
    /// The source to record when the candidate is created, not when an existing one applies
    /// (source writing marks candidates created here); ``sourceName`` wins.
    public var defaultSourceName: String?
    /// Whether the candidate consented to data processing.
    public var gdprGiven: Bool?
    /// When the consent expires (ms since the Unix epoch).
    public var gdprExpiresAt: Int64?
    /// An existing candidate to apply with (its remote id), instead of creating one from the
    /// fields above. A remote that no longer has it creates the candidate after all.
    public var candidateRemoteID: String?

    /// Creates a command.
    public init(
        jobRemoteID: String,
        stageRemoteID: String? = nil,
        firstName: String,
        lastName: String,
        email: String,
        phone: String? = nil,
        city: String? = nil,
        country: String? = nil,
        company: String? = nil,
        title: String? = nil,
        attachments: [RemoteAttachment] = [],
        sourceName: String? = nil,
        gdprGiven: Bool? = nil,
        gdprExpiresAt: Int64? = nil,
        candidateRemoteID: String? = nil
    ) {
        self.jobRemoteID = jobRemoteID
        self.stageRemoteID = stageRemoteID
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.city = city
        self.country = country
        self.company = company
        self.title = title
        self.attachments = attachments
        self.sourceName = sourceName
        self.gdprGiven = gdprGiven
        self.gdprExpiresAt = gdprExpiresAt
        self.candidateRemoteID = candidateRemoteID
    }
}

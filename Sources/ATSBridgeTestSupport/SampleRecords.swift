public import ATSBridgeProto

/// Realistic, fully populated records shared by the tests and the benchmarks: names with
/// Slovak, Czech and German diacritics, every field RECRU provides.
public enum SampleRecords {
    /// A typical candidate: 2 emails, 1 phone, a location, 3 tags, 2 applications.
    public static func candidate(index: Int = 0) -> Candidate {
        Candidate(
            id: "7vQ3nFkq9XaB2mYc4LdE8rT\(index % 10)",
            remoteID: "js-\(10_000 + index)",
            changedAt: 1_732_000_000_000 + Int64(index),
            remoteDeletedAt: nil,
            firstName: "Ján",
            lastName: "Šťastný-Müller",
            company: "Dvořák & Söhne s.r.o.",
            title: "Senior Backend Engineer",
            source: "LinkedIn",
            phoneNumbers: [PhoneNumber(phoneNumber: "+421 905 123 456", type: "MOBILE")],
            emailAddresses: [
                EmailAddress(emailAddress: "jan.stastny@example.sk", type: "PRIVATE"),
                EmailAddress(emailAddress: "j.stastny@dvorak-sohne.cz", type: "WORK"),
            ],
            location: Location(city: "Bratislava", country: "SK", raw: "Bratislava, Slovensko", zipCode: "811 01"),
            remoteData: Array(#"{"id":10000,"firstname":"Ján"}"#.utf8),
            applications: [
                CandidateApplication(
                    id: "Hn4sPq8WcR2vLm6KxT9bZy3A",
                    remoteID: "app-1",
                    changedAt: 1_732_000_000_500,
                    outcome: .pending,
                    currentStage: StageSummary(
                        id: "Qe7Rt5Yu3Io1Pa9Sd8Fg6Hj4",
                        remoteID: "st-2",
                        name: "Pohovor",
                        index: 1
                    ),
                    job: JobSummary(id: "Zx2Cv4Bn6Mq8Wr1Ty3Ui5Op7", remoteID: "pr-44", name: "Backend Engineer (Swift)")
                ),
                CandidateApplication(
                    id: "Kp3Lm5Nb7Vc9Xz2As4Df6Gh8",
                    remoteID: "app-2",
                    changedAt: 1_732_000_001_000,
                    outcome: .declined,
                    currentStage: StageSummary(
                        id: "Wq1Er3Ty5Ui7Op9As2Df4Gh6",
                        remoteID: "st-9",
                        name: "Zamietnutý",
                        index: 4
                    ),
                    job: JobSummary(id: "Mn8Bv6Cx4Zl2Kj9Hg7Fd5Sa3", remoteID: "pr-45", name: "Platform Engineer")
                ),
            ],
            tags: [
                TagSummary(id: "Ta1Gs2Dh3Fj4Gk5Hl6Jz7Kx8", remoteID: "tag-1", name: "Swift"),
                TagSummary(id: "Tb1Gs2Dh3Fj4Gk5Hl6Jz7Kx8", remoteID: "tag-2", name: "Remote OK"),
                TagSummary(id: "Tc1Gs2Dh3Fj4Gk5Hl6Jz7Kx8", remoteID: "tag-3", name: "Top talent"),
            ]
        )
    }

    /// A job with every field RECRU provides, its stages and its hiring team.
    public static func job() -> Job {
        Job(
            id: "Jb9Vc8Xz7As6Df5Gh4Jk3Lq2",
            remoteID: "pr-44",
            changedAt: 1_731_000_000_000,
            remoteDeletedAt: 1_733_000_000_000,
            name: "Backend Engineer (Swift)",
            description: "<p>Join our <strong>Košice</strong> team.</p>",
            employmentType: .fullTime,
            employmentTypeRaw: nil,
            status: .closed,
            statusRaw: nil,
            visibility: nil,
            visibilityRaw: "partner-portal",
            department: "Engineering",
            experienceLevel: "Senior",
            salaryAmount: 55_000.5,
            openedAt: 1_725_000_000_000,
            closedAt: 1_730_000_000_000,
            remoteUpdatedAt: 1_730_500_000_000,
            remoteData: Array(#"{"id":44,"is_public":2}"#.utf8),
            stages: [
                JobStage(id: "S1a2B3c4D5e6F7g8H9i1J2k3", remoteID: "st-1", name: "Nový", index: 0),
                JobStage(id: "S2a2B3c4D5e6F7g8H9i1J2k3", remoteID: "st-2", name: "Pohovor", index: 1),
            ],
            hiringTeam: [
                HiringTeamMember(
                    id: "U1a2B3c4D5e6F7g8H9i1J2k3",
                    remoteID: "user-7",
                    firstName: "Zuzana",
                    lastName: "Horváthová",
                    email: "zuzana@example.sk",
                    roles: [JobRole(remoteID: "r1", remoteLabel: "Hiring manager", unifiedType: .hiringManager)]
                )
            ]
        )
    }
}

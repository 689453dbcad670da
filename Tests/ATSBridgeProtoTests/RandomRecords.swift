import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeTestSupport

/// Random records of every model, encoded the way the store sends them: the record's own
/// fields, then `changed_at` (3) and `remote_deleted_at` (4), then the nested views, each
/// appended as a separate field. Values cover the edge cases of the JSON output: absent and
/// empty fields, escapes and non-ASCII text, unknown enum values, negative and extreme times,
/// and `remote_data` that is or is not a JSON object or array.
struct RandomRecords {
    var random: SeededGenerator
    let index: Int

    init(random: SeededGenerator, index: Int) {
        self.random = random
        self.index = index
    }

    private static let texts = [
        "", "Ján", "Šťastný-Müller", "quote \" and \\ backslash", "line\nbreak\ttab\r", "ctl \u{01}\u{1F}\u{7F}",
        "emoji 🧑‍💻", "<p>Košice</p>", "日本語", "/slash/",
    ]
    private static let times: [Int64] = [
        0, -1, -999, -1000, -86_400_001, 1_732_000_000_123, 253_402_300_799_999, 253_402_300_800_000,
        -62_167_219_200_001, .max, .min, .min + 1,
    ]
    private static let rawJSON = [
        #"{"id":1,"name":"Ján"}"#, "[1,2.5e3,-0]", "42", " {\"a\" : [true, null]}\n", "{bad", "", "\"s\"",
        #"[{"x":"\u00e9\n"}]"#, "{}", "[]",
    ]

    private mutating func chance() -> Bool { Bool.random(using: &self.random) }

    private mutating func text() -> String? {
        self.chance() ? Self.texts.randomElement(using: &self.random)! : nil
    }

    private mutating func time() -> Int64? {
        self.chance() ? Self.times.randomElement(using: &self.random)! : nil
    }

    private mutating func remoteData() -> [UInt8]? {
        self.chance() ? Array(Self.rawJSON.randomElement(using: &self.random)!.utf8) : nil
    }

    private mutating func number(_ range: ClosedRange<Int32> = -3...9) -> Int32? {
        self.chance() ? Int32.random(in: range, using: &self.random) : nil
    }

    private mutating func id() -> String { "id-\(self.index)-\(Int.random(in: 0..<1000, using: &self.random))" }

    private mutating func count(_ most: Int) -> Int { Int.random(in: 0...most, using: &self.random) }

    /// The store's layout: own bytes, then times, then nested views.
    private mutating func laidOut(
        _ own: [UInt8],
        views: [(UInt32, [UInt8])] = []
    ) -> [UInt8] {
        var bytes = own
        if let changed = self.time() { ProtoWire.appendVarintField(field: 3, changed, to: &bytes) }
        if let deleted = self.time() { ProtoWire.appendVarintField(field: 4, deleted, to: &bytes) }
        for (field, view) in views { ProtoWire.appendLengthDelimited(field: field, view, to: &bytes) }
        return bytes
    }

    private mutating func tagSummary() -> TagSummary {
        TagSummary(id: self.id(), remoteID: self.text(), name: self.text())
    }

    private mutating func stageSummary() -> StageSummary {
        StageSummary(id: self.id(), remoteID: self.text(), name: self.text(), index: self.number())
    }

    private mutating func jobSummary() -> JobSummary {
        JobSummary(id: self.id(), remoteID: self.text(), name: self.text())
    }

    private mutating func emails() -> [EmailAddress] {
        (0..<self.count(2)).map { _ in EmailAddress(emailAddress: self.text(), type: self.text()) }
    }

    private mutating func phones() -> [PhoneNumber] {
        (0..<self.count(2)).map { _ in PhoneNumber(phoneNumber: self.text(), type: self.text()) }
    }

    private mutating func outcome() -> ApplicationOutcome? {
        self.chance() ? ApplicationOutcome(rawValue: Int32.random(in: -1...6, using: &self.random)) : nil
    }

    mutating func candidate() throws -> [UInt8] {
        let own = Candidate(
            id: self.id(),
            remoteID: self.text(),
            firstName: self.text(),
            lastName: self.text(),
            company: self.text(),
            title: self.text(),
            source: self.text(),
            phoneNumbers: self.phones(),
            emailAddresses: self.emails(),
            location: self.chance()
                ? Location(city: self.text(), country: self.text(), raw: self.text(), zipCode: self.text()) : nil,
            remoteData: self.remoteData()
        )
        var views: [(UInt32, [UInt8])] = []
        for _ in 0..<self.count(3) {
            let application = CandidateApplication(
                id: self.id(),
                remoteID: self.text(),
                changedAt: self.time(),
                outcome: self.outcome(),
                currentStage: self.chance() ? self.stageSummary() : nil,
                job: self.chance() ? self.jobSummary() : nil
            )
            views.append((14, try application.encode()))
        }
        for _ in 0..<self.count(3) { views.append((15, try self.tagSummary().encode())) }
        return self.laidOut(try own.encode(), views: views)
    }

    mutating func job() throws -> [UInt8] {
        let salaries: [Double] = [55_000.5, 3, -0.0, 1e20, 0.1, .nan, .infinity, 123_456_789_012_345_680]
        let own = Job(
            id: self.id(),
            remoteID: self.text(),
            name: self.text(),
            description: self.text(),
            employmentType: self.chance()
                ? EmploymentType(rawValue: Int32.random(in: -1...7, using: &self.random)) : nil,
            employmentTypeRaw: self.text(),
            status: self.chance() ? JobStatus(rawValue: Int32.random(in: 0...9, using: &self.random)) : nil,
            statusRaw: self.text(),
            visibility: self.chance() ? Visibility(rawValue: Int32.random(in: 0...5, using: &self.random)) : nil,
            visibilityRaw: self.text(),
            department: self.text(),
            experienceLevel: self.text(),
            salaryAmount: self.chance() ? salaries.randomElement(using: &self.random) : nil,
            openedAt: self.time(),
            closedAt: self.time(),
            remoteUpdatedAt: self.time(),
            remoteData: self.remoteData()
        )
        var views: [(UInt32, [UInt8])] = []
        for _ in 0..<self.count(3) {
            let stage = JobStage(id: self.id(), remoteID: self.text(), name: self.text(), index: self.number())
            views.append((20, try stage.encode()))
        }
        for _ in 0..<self.count(2) {
            let member = HiringTeamMember(
                id: self.id(),
                remoteID: self.text(),
                firstName: self.text(),
                lastName: self.text(),
                email: self.text(),
                roles: self.roles()
            )
            views.append((21, try member.encode()))
        }
        return self.laidOut(try own.encode(), views: views)
    }

    private mutating func roles() -> [JobRole] {
        (0..<self.count(2)).map { _ in
            JobRole(
                remoteID: self.text(),
                remoteLabel: self.text(),
                unifiedType: self.chance()
                    ? HiringTeamRole(rawValue: Int32.random(in: -2...6, using: &self.random)) : nil
            )
        }
    }

    mutating func application() throws -> [UInt8] {
        let own = Application(
            id: self.id(),
            remoteID: self.text(),
            outcome: self.outcome(),
            outcomeRaw: self.text(),
            currentStageID: self.text(),
            jobID: self.text(),
            candidateID: self.text(),
            remoteData: self.remoteData()
        )
        var views: [(UInt32, [UInt8])] = []
        if self.chance() {
            let candidate = ApplicationCandidate(
                id: self.id(),
                remoteID: self.text(),
                firstName: self.text(),
                lastName: self.text(),
                emailAddresses: self.emails(),
                phoneNumbers: self.phones(),
                source: self.text(),
                tags: (0..<self.count(2)).map { _ in self.tagSummary() }
            )
            views.append((11, try candidate.encode()))
        }
        if self.chance() { views.append((12, try self.stageSummary().encode())) }
        if self.chance() { views.append((13, try self.jobSummary().encode())) }
        return self.laidOut(try own.encode(), views: views)
    }

    mutating func user() throws -> [UInt8] {
        let own = User(
            id: self.id(),
            remoteID: self.text(),
            firstName: self.text(),
            lastName: self.text(),
            email: self.text(),
            remoteData: self.remoteData()
        )
        return self.laidOut(try own.encode())
    }

    mutating func applicationStage() throws -> [UInt8] {
        self.laidOut(
            try ApplicationStage(id: self.id(), remoteID: self.text(), name: self.text(), remoteData: self.remoteData())
                .encode()
        )
    }

    mutating func tag() throws -> [UInt8] {
        self.laidOut(
            try Tag(id: self.id(), remoteID: self.text(), name: self.text(), remoteData: self.remoteData()).encode()
        )
    }

    mutating func candidateTag() throws -> [UInt8] {
        self.laidOut(
            try CandidateTag(id: self.id(), remoteID: self.text(), candidateID: self.text(), tagID: self.text())
                .encode()
        )
    }

    mutating func jobApplicationStage() throws -> [UInt8] {
        let own = JobApplicationStage(
            id: self.id(),
            remoteID: self.text(),
            index: self.number(Int32.min...Int32.max),
            jobID: self.text(),
            stageID: self.text()
        )
        return self.laidOut(try own.encode())
    }

    mutating func jobHiringTeamMember() throws -> [UInt8] {
        let own = JobHiringTeamMember(
            id: self.id(),
            remoteID: self.text(),
            jobID: self.text(),
            userID: self.text(),
            roles: self.roles()
        )
        return self.laidOut(try own.encode())
    }
}

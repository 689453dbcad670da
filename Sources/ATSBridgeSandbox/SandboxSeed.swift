import ATSBridgeCore
import Foundation

/// Generates deterministic RECRU data from a seed: the same seed and size give the same data.
///
/// Names carry Slovak, Czech and German diacritics; projects have HTML descriptions and their
/// own ordered stages; some are closed with a close reason. Edge cases are always present: a
/// jobseeker without email, two jobseekers sharing an email, a jobseeker in two projects, and a
/// tag never assigned.
enum SandboxSeed {
    static let firstNames = [
        "Ján", "Ľubomír", "Zuzana", "Šimon", "Jörg", "Jürgen", "Eva", "Petra", "Tomáš", "Kateřina", "Ondřej",
        "Lukáš", "Márta", "Dávid", "Anežka", "Matúš", "Björn", "Uwe", "Žofia", "Řehoř",
    ]
    static let lastNames = [
        "Šťastný", "Nováková", "Horváth", "Dvořák", "Müller", "Schäfer", "Kováč", "Čierna", "Přibyl", "Wagner",
        "Tóth", "Jelínek", "Brückner", "Oravcová", "Růžička", "Fischer", "Ďurica", "Kučera",
    ]
    static let companies = [
        "Slovnaft a.s.", "Škoda Auto a.s.", "Müller & Söhne GmbH", "ESET, spol. s r.o.", "Kofola ČS",
    ]
    static let positions = [
        "Skladník", "Backend Developer", "Účtovníčka", "Vertriebsleiter", "Tester", "Projektový manažér",
    ]
    static let cities = [
        ("Bratislava", "SK"), ("Košice", "SK"), ("Brno", "CZ"), ("Praha", "CZ"), ("Wien", "AT"), ("München", "DE"),
    ]
    static let projectTitles = [
        "Backend Engineer (Swift)", "Skladník – Senec", "Účtovník/čka", "Vertriebsmitarbeiter (m/w/d)", "QA Tester",
        "Operátor výroby", "Projektový manažér", "HR Generalista",
    ]
    static let departments = ["Engineering", "Logistika", "Financie", "Vertrieb", "HR"]
    static let employmentTypes = ["full_time", "part_time", "contract", "internship", "temporary", "brigada"]
    static let stageNames = ["Nový", "Telefonát", "Pohovor", "Technické kolo", "Ponuka", "Prijatý", "Zamietnutý"]
    static let tagNames = [
        "VIP", "Remote OK", "Swift", "Top talent", "Relocation", "Junior", "Senior", "Nemčina", "Angličtina", "Brigáda",
        "Talent pool", "Nikdy nepoužitý",
    ]

    static func make(seed: UInt64, size: SandboxSize, now: Int64) -> SandboxState {
        var random = SplitMix64(seed: seed)
        var state = SandboxState()
        state.globalStages = self.stageNames.enumerated().map { index, name in
            SandboxStage(id: index + 1, name: name, position: index, type: Self.stageType(index))
        }
        state.sources = ["LinkedIn", "Profesia.sk", "Jobs.cz", "Odporúčanie", "Web"].enumerated().map {
            SandboxNamed(id: $0.offset + 1, name: $0.element)
        }
        state.rejectionReasons = ["Nedostatočná kvalifikácia", "Kandidát odmietol", "Iný kandidát"].enumerated().map {
            SandboxNamed(id: $0.offset + 1, name: $0.element)
        }
        state.closeReasons = ["Obsadené", "Zrušené klientom", "Pozastavené"].enumerated().map {
            SandboxNamed(id: $0.offset + 1, name: $0.element)
        }
        for index in 0..<max(self.tagNames.count, size.tags) {
            state.tags.put(
                SandboxNamed(
                    id: index + 1,
                    name: index < self.tagNames.count ? self.tagNames[index] : "Tag \(index + 1)"
                )
            )
        }
        let users = max(2, size.users)
        for index in 0..<users {
            let first = self.firstNames[index % self.firstNames.count]
            let last = self.lastNames[(index * 7) % self.lastNames.count]
            state.users.put(
                SandboxUser(
                    id: index + 1,
                    firstName: first,
                    lastName: last,
                    email: "user\(index + 1)@acme.recru.example",
                    active: index % 17 != 5
                )
            )
        }
        var nextStageID = 1_000
        let projects = max(2, size.projects)
        for index in 0..<projects {
            let stageCount = 3 + Int.random(in: 0...3, using: &random)
            var stages: [SandboxStage] = []
            for position in 0..<stageCount {
                let last = position == stageCount - 1
                let name = last ? "Prijatý" : self.stageNames[position % 5]
                let type = last ? "hired" : (position == 0 ? "new" : "in_progress")
                stages.append(SandboxStage(id: nextStageID, name: name, position: position, type: type))
                nextStageID += 1
            }
            // The second project is always closed with a reason; the first and third always open
            // (a jobseeker applies to both); others are closed at random.
            let closed = index == 1 || (index > 2 && Int.random(in: 0..<10, using: &random) == 0)
            let title = self.projectTitles[index % self.projectTitles.count]
            state.projects.put(
                SandboxProject(
                    id: index + 1,
                    name: index < self.projectTitles.count ? title : "\(title) #\(index + 1)",
                    description:
                        "<p>Hľadáme posilu do tímu <strong>\(self.departments[index % 5])</strong>.</p><ul><li>Praxe 2+ roky</li></ul>",
                    status: closed ? "closed" : (index % 11 == 4 ? "draft" : "open"),
                    isPublic: index % 4 != 2,
                    department: self.departments[index % self.departments.count],
                    employmentType: self.employmentTypes[index % self.employmentTypes.count],
                    seniority: ["junior", "medior", "senior"][index % 3],
                    salaryFrom: index % 3 == 0 ? nil : Double(1_200 + 100 * (index % 20)),
                    salaryTo: index % 3 == 0 ? nil : Double(1_800 + 100 * (index % 20)),
                    currency: "EUR",
                    openedAt: now - Int64(index % 300 + 1) * 86_400_000,
                    closedAt: closed ? now - 86_400_000 : nil,
                    closeReasonID: closed ? 1 + index % 3 : nil,
                    updatedAt: now - Int64(index % 30) * 3_600_000,
                    stages: stages,
                    users: [
                        SandboxProjectUser(userID: 1 + index % users, role: "recruiter"),
                        SandboxProjectUser(
                            userID: 1 + (index + 1) % users,
                            role: index % 5 == 0 ? "interviewer" : "hiring_manager"
                        ),
                    ]
                )
            )
        }
        let jobseekers = max(3, size.jobseekers)
        for index in 0..<jobseekers {
            let first = self.firstNames[Int.random(in: 0..<self.firstNames.count, using: &random)]
            let last = self.lastNames[Int.random(in: 0..<self.lastNames.count, using: &random)]
            let (city, country) = self.cities[index % self.cities.count]
            // Jobseeker 1 has no email; 2 and 3 share one.
            let email: String? = index == 0 ? nil : "\(index == 2 ? 1 : index).kandidat@example.sk"
            let usedTags = self.tagNames.count - 1  // the last tag is never assigned
            let tagIDs = index % 3 == 0 ? [] : Array(Set([1 + index % usedTags, 1 + (index / 3) % usedTags])).sorted()
            state.jobseekers.put(
                SandboxJobseeker(
                    id: index + 1,
                    firstName: first,
                    lastName: last,
                    email: email,
                    phone: index % 4 == 1
                        ? nil : "+421 9\(String(format: "%02d", index % 100)) \(100_000 + index % 900_000)",
                    currentCompany: index % 2 == 0 ? self.companies[index % self.companies.count] : nil,
                    currentPosition: self.positions[index % self.positions.count],
                    city: city,
                    country: country,
                    sourceID: index % 6 == 0 ? nil : 1 + index % 5,
                    tagIDs: tagIDs,
                    gdprConsent: index % 5 != 0,
                    gdprConsentUntil: index % 5 != 0 ? now + 365 * 86_400_000 : nil,
                    attachments: index % 2 == 0
                        ? [
                            SandboxAttachment(
                                id: index + 1,
                                name: "cv-\(index + 1).pdf",
                                mimeType: "application/pdf",
                                type: "cv",
                                size: 120_000
                            )
                        ]
                        : [],
                    workEmail: index % 7 == 3 ? "\(index).praca@firma.example" : nil
                )
            )
        }
        // Applications: jobseeker 1 applies to projects 1 and 3 (a jobseeker in two projects),
        // then jobseekers and projects are paired deterministically without duplicates.
        var pairs = Set<[Int]>()
        var applicationID = 1
        func apply(_ jobseeker: Int, _ project: Int) {
            guard pairs.insert([jobseeker, project]).inserted, let p = state.projects[project] else { return }
            let stage = p.stages[Int.random(in: 0..<p.stages.count, using: &random)]
            let status =
                stage.type == "hired" ? "hired" : (Int.random(in: 0..<8, using: &random) == 0 ? "rejected" : "active")
            state.applications.put(
                SandboxApplication(
                    id: applicationID,
                    projectID: project,
                    jobseekerID: jobseeker,
                    stageID: stage.id,
                    status: status,
                    rejectionReasonID: status == "rejected" ? 1 + applicationID % 3 : nil
                )
            )
            applicationID += 1
        }
        apply(1, 1)
        apply(1, 3)
        var attempt = 0
        while applicationID <= size.applications && attempt < size.applications * 3 {
            apply(1 + (attempt * 7_919) % jobseekers, 1 + (attempt * 31 + attempt / jobseekers) % projects)
            attempt += 1
        }
        state.nextIDs = [
            "jobseeker": jobseekers + 1, "application": applicationID, "project": projects + 1, "user": users + 1,
            "stage": nextStageID, "tag": state.tags.count + 1, "source": state.sources.count + 1,
            "attachment": jobseekers + 1,
        ]
        return state
    }

    static func stageType(_ position: Int) -> String {
        switch position {
        case 0: "new"
        case 5: "hired"
        case 6: "rejected"
        default: "in_progress"
        }
    }
}

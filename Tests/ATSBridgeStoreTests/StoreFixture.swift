import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStorePostgres
import ATSBridgeStoreSQLite
import ATSBridgeTestSupport
import Foundation

/// The store backends the contract suite runs against: SQLite, and PostgreSQL (a database of
/// its own per store on the test server, scripts/postgres-test-cluster.sh; the tests fail when
/// it is not running).
enum StoreKind: String, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    var description: String { self.rawValue }

    /// A fresh, empty store in its own temporary location.
    func make() async throws -> any Store {
        switch self {
        case .sqlite:
            return try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: temporaryDatabasePath()))
        case .postgres:
            return try await PostgresTestServer.makeStore()
        }
    }
}

func temporaryDatabasePath() -> String {
    TemporaryFiles.unique("atsbridge-store")
        .appendingPathComponent("atsbridge.sqlite").path
}

/// The size of the file at `path` in bytes, 0 when it does not exist.
func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
}

/// A small integration in the unified model: users, jobs with stages and hiring teams,
/// candidates with applications and tags.
struct StoreFixture {
    let integrationID = "int-fixture"

    func id(_ model: Model, _ remote: String) -> String {
        RecordID.make(integrationID: self.integrationID, model: model, remoteID: remote)
    }

    var users: [User] {
        [
            User(
                id: self.id(.user, "u1"),
                remoteID: "u1",
                firstName: "Zuzana",
                lastName: "Horváthová",
                email: "Zuzana@Example.sk"
            ),
            User(
                id: self.id(.user, "u2"),
                remoteID: "u2",
                firstName: "Jörg",
                lastName: "Müller",
                email: "joerg@example.de"
            ),
        ]
    }

    var stages: [ApplicationStage] {
        [
            ApplicationStage(id: self.id(.applicationStage, "s1"), remoteID: "s1", name: "Nový"),
            ApplicationStage(id: self.id(.applicationStage, "s2"), remoteID: "s2", name: "Pohovor"),
        ]
    }

    var jobs: [Job] {
        [
            Job(
                id: self.id(.job, "p1"),
                remoteID: "p1",
                name: "Backend Engineer (Swift)",
                employmentType: .fullTime,
                status: .open,
                visibility: .public
            ),
            Job(
                id: self.id(.job, "p2"),
                remoteID: "p2",
                name: "Skladník Košice",
                employmentType: .seasonal,
                status: .closed
            ),
        ]
    }

    var jobStages: [JobApplicationStage] {
        [
            JobApplicationStage(
                id: self.id(.jobApplicationStage, "p1-s1"),
                index: 0,
                jobID: self.id(.job, "p1"),
                stageID: self.id(.applicationStage, "s1")
            ),
            JobApplicationStage(
                id: self.id(.jobApplicationStage, "p1-s2"),
                index: 1,
                jobID: self.id(.job, "p1"),
                stageID: self.id(.applicationStage, "s2")
            ),
        ]
    }

    var hiringTeam: [JobHiringTeamMember] {
        [
            JobHiringTeamMember(
                id: self.id(.jobHiringTeamMember, "p1-u1"),
                jobID: self.id(.job, "p1"),
                userID: self.id(.user, "u1"),
                roles: [JobRole(remoteLabel: "Hiring manager", unifiedType: .hiringManager)]
            )
        ]
    }

    var candidates: [Candidate] {
        [
            Candidate(
                id: self.id(.candidate, "c1"),
                remoteID: "c1",
                firstName: "Ján",
                lastName: "Šťastný",
                emailAddresses: [
                    EmailAddress(emailAddress: "Jan.Stastny@Example.sk", type: "PRIVATE"),
                    EmailAddress(emailAddress: "j@work.cz", type: "WORK"),
                ]
            ),
            Candidate(id: self.id(.candidate, "c2"), remoteID: "c2", firstName: "Eva", lastName: "Nováková"),
            Candidate(
                id: self.id(.candidate, "c3"),
                remoteID: "c3",
                firstName: "Ján",
                lastName: "Kováč",
                emailAddresses: [EmailAddress(emailAddress: "jan.stastny@example.sk")]
            ),
        ]
    }

    var applications: [Application] {
        [
            Application(
                id: self.id(.application, "a1"),
                remoteID: "a1",
                outcome: .pending,
                currentStageID: self.id(.applicationStage, "s2"),
                jobID: self.id(.job, "p1"),
                candidateID: self.id(.candidate, "c1")
            ),
            Application(
                id: self.id(.application, "a2"),
                remoteID: "a2",
                outcome: .hired,
                currentStageID: self.id(.applicationStage, "s1"),
                jobID: self.id(.job, "p2"),
                candidateID: self.id(.candidate, "c2")
            ),
        ]
    }

    var tags: [Tag] {
        [
            Tag(id: self.id(.tag, "t1"), remoteID: "t1", name: "VIP"),
            Tag(id: self.id(.tag, "t2"), remoteID: "t2", name: "Never used"),
        ]
    }

    var candidateTags: [CandidateTag] {
        [
            CandidateTag(
                id: self.id(.candidateTag, "c1-t1"),
                candidateID: self.id(.candidate, "c1"),
                tagID: self.id(.tag, "t1")
            )
        ]
    }

    /// Every batch, parents first.
    var batches: [RecordBatch] {
        [
            .users(self.users), .applicationStages(self.stages), .jobs(self.jobs),
            .jobApplicationStages(self.jobStages),
            .jobHiringTeamMembers(self.hiringTeam), .tags(self.tags), .candidates(self.candidates),
            .applications(self.applications), .candidateTags(self.candidateTags),
        ]
    }

    /// Loads the fixture at time `now`.
    func load(into store: any Store, at now: Int64 = 1_000) async throws {
        for batch in self.batches { _ = try await store.upsert(batch, integrationID: self.integrationID, at: now) }
    }
}

extension Store {
    /// Every record of a model matching `query`'s filters, decoded, walking all pages.
    func all<M: ProtoMessage>(_ type: M.Type, _ query: RecordQuery) async throws -> [M] {
        var query = query
        var result: [M] = []
        while true {
            let page = try await self.page(query)
            result += try page.records.map { try M(decoding: $0) }
            guard let next = page.nextCursor else { return result }
            query.cursor = next
        }
    }

    func get<M: ProtoMessage>(_ type: M.Type, _ model: Model, _ id: String, _ integrationID: String) async throws -> M?
    {
        try await self.record(model, id: id, integrationID: integrationID).map { try M(decoding: $0) }
    }
}

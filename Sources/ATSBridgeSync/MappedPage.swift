import ATSBridgeProto
import ATSBridgeRECRU

/// A page of one model, mapped; records RECRU sent in a shape that cannot be mapped are
/// counted and skipped rather than failing the whole sync.
struct Mapped<T: Sendable>: Sendable {
    var records: [T] = []
    var skipped = 0

    init(_ items: [[String: Any]], _ map: ([String: Any]) throws -> T) {
        for item in items {
            if let record = try? map(item) { self.records.append(record) } else { self.skipped += 1 }
        }
    }
}

/// A page of projects: jobs, their stages, stage joins and hiring teams.
struct MappedProjects: Sendable {
    var jobs: [Job] = []
    var stages: [ApplicationStage] = []
    var stageJoins: [JobApplicationStage] = []
    var hiringTeam: [JobHiringTeamMember] = []
    var skipped = 0

    init(_ items: [[String: Any]], _ mapper: RECRUMapper) {
        for item in items {
            do {
                let job = try mapper.job(item)
                let stages = try mapper.stages(ofProject: item)
                let team = try mapper.hiringTeam(ofProject: item)
                self.jobs.append(job)
                self.stages += stages.stages
                self.stageJoins += stages.joins
                self.hiringTeam += team
            } catch {
                self.skipped += 1
            }
        }
    }
}

/// A page of applications, filtered to those created through ATSBridge when asked.
struct MappedApplications: Sendable {
    var applications: [Application] = []
    /// RECRU ids of the kept applications' jobseekers.
    var candidateRemoteIDs: Set<String> = []
    var skipped = 0

    init(_ items: [[String: Any]], _ mapper: RECRUMapper, only: Set<String>?) {
        for item in items {
            guard let application = try? mapper.application(item) else {
                self.skipped += 1
                continue
            }
            if let only, !only.contains(application.remoteID ?? "") { continue }
            self.applications.append(application)
            if let jobseeker = item["jobseeker_id"] { self.candidateRemoteIDs.insert("\(jobseeker)") }
        }
    }
}

/// A page of jobseekers: candidates and their tag joins, filtered when asked.
struct MappedCandidates: Sendable {
    var candidates: [Candidate] = []
    var tags: [CandidateTag] = []
    var skipped = 0

    init(_ items: [[String: Any]], _ mapper: RECRUMapper, only: Set<String>?) {
        for item in items {
            guard let mapped = try? mapper.candidate(item) else {
                self.skipped += 1
                continue
            }
            if let only, !only.contains(mapped.candidate.remoteID ?? "") { continue }
            self.candidates.append(mapped.candidate)
            self.tags += mapped.tags
        }
    }
}

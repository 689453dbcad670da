import ATSBridgeCore
import ATSBridgeProto

/// Whole list pages mapped to ``RemotePage``s; records RECRU sent in a shape that cannot be
/// mapped are counted and skipped rather than failing the whole sync.
extension RECRUMapper {
    /// A page of users.
    func users(_ items: [[String: Any]]) -> RemotePage {
        let (users, skipped) = Self.each(items) { try self.user($0) }
        return RemotePage(batches: [.users(users)], skipped: skipped)
    }

    /// Global stages.
    func stages(_ items: [[String: Any]]) -> RemotePage {
        let (stages, skipped) = Self.each(items) { try self.stage($0) }
        return RemotePage(batches: [.applicationStages(stages)], skipped: skipped)
    }

    /// Tags.
    func tags(_ items: [[String: Any]]) -> RemotePage {
        let (tags, skipped) = Self.each(items) { try self.tag($0) }
        return RemotePage(batches: [.tags(tags)], skipped: skipped)
    }

    /// A page of projects: jobs, their stages, stage joins and hiring teams; a project any part
    /// of which cannot be mapped is skipped whole.
    func projects(_ items: [[String: Any]]) -> RemotePage {
        var jobs: [Job] = []
        var stages: [ApplicationStage] = []
        var stageJoins: [JobApplicationStage] = []
        var hiringTeam: [JobHiringTeamMember] = []
        var skipped = 0
        for item in items {
            do {
                let job = try self.job(item)
                let projectStages = try self.stages(ofProject: item)
                let team = try self.hiringTeam(ofProject: item)
                jobs.append(job)
                stages += projectStages.stages
                stageJoins += projectStages.joins
                hiringTeam += team
            } catch {
                skipped += 1
            }
        }
        return RemotePage(
            batches: [
                .jobs(jobs), .applicationStages(stages), .jobApplicationStages(stageJoins),
                .jobHiringTeamMembers(hiringTeam),
            ],
            skipped: skipped
        )
    }

    /// A page of applications.
    func applications(_ items: [[String: Any]]) -> RemotePage {
        let (applications, skipped) = Self.each(items) { try self.application($0) }
        return RemotePage(batches: [.applications(applications)], skipped: skipped)
    }

    /// A page of jobseekers: candidates and their tag joins.
    func candidates(_ items: [[String: Any]]) -> RemotePage {
        let (mapped, skipped) = Self.each(items) { try self.candidate($0) }
        return RemotePage(
            batches: [.candidates(mapped.map(\.candidate)), .candidateTags(mapped.flatMap(\.tags))],
            skipped: skipped
        )
    }

    private static func each<T>(_ items: [[String: Any]], _ map: ([String: Any]) throws -> T) -> ([T], Int) {
        var records: [T] = []
        records.reserveCapacity(items.count)
        var skipped = 0
        for item in items {
            if let record = try? map(item) { records.append(record) } else { skipped += 1 }
        }
        return (records, skipped)
    }
}

import ATSBridgeTestSupport
import Testing

@testable import ATSBridgeProto

/// A decoded page holds one copy of each string by which its records refer to other records
/// (jobs, stages, tags), and every value still reads exactly as it was sent.
@Suite struct SharedStringsTests {
    /// The address of a string's UTF-8 storage; the same for two strings that share it.
    private func storage(_ string: String?) -> UnsafeRawPointer? {
        var string = string
        return string?.withUTF8 { UnsafeRawPointer($0.baseAddress) }
    }

    /// Candidates that each apply to one of `jobs` jobs and carry one of `tags` tags.
    private func candidates(count: Int, jobs: Int, tags: Int) -> [Candidate] {
        (0..<count).map { index in
            var candidate = SampleRecords.candidate(index: index)
            candidate.id = "candidate-\(index)-of-the-page-000"
            for application in candidate.applications.indices {
                // Numbered from 1,000: every id and name of a kind has one length.
                let job = 1_000 + (index + application) % jobs
                candidate.applications[application].job = JobSummary(
                    id: "job-\(job)-0123456789abcdefghij",
                    remoteID: "pr-\(job)",
                    name: "Backend Engineer (Swift) in team \(job)"
                )
            }
            let tag = 1_000 + index % tags
            candidate.tags = [TagSummary(id: "tag-\(tag)-0123456789abcdefghij", name: "Tag \(tag)")]
            return candidate
        }
    }

    @Test func aPageHoldsOneCopyOfEachReferencedString() throws {
        let sent = CandidatePage(items: self.candidates(count: 200, jobs: 3, tags: 2))
        let page = try CandidatePage(decoding: try sent.encode())
        #expect(page == sent)
        let jobNames = Set(page.items.flatMap { $0.applications.compactMap { self.storage($0.job?.name) } })
        let jobIDs = Set(page.items.flatMap { $0.applications.compactMap { self.storage($0.job?.id) } })
        let tagIDs = Set(page.items.flatMap { $0.tags.map { self.storage($0.id) } })
        // Exactly one copy each: no two of these eight strings take one slot of the table (its
        // hash is fixed, so this holds for these strings every run).
        #expect(jobNames.count == 3)
        #expect(jobIDs.count == 3)
        #expect(tagIDs.count == 2)
        // The candidates' own ids are theirs alone.
        #expect(Set(page.items.map { self.storage($0.id) }).count == 200)
    }

    @Test func distinctStringsOfTheSameLengthStayDistinct() throws {
        // More distinct references than the table has slots, all of one length: slots are
        // taken over and hashes may collide, and each value must still be its own.
        let sent = CandidatePage(items: self.candidates(count: 2_000, jobs: 1_999, tags: 1_000))
        let bytes = try sent.encode()
        #expect(bytes.count >= SharedStrings.minInputBytes)
        #expect(try CandidatePage(decoding: bytes) == sent)
    }

    @Test func aSmallMessageDecodesWithoutATable() throws {
        let sent = CandidatePage(items: self.candidates(count: 1, jobs: 1, tags: 1))
        let bytes = try sent.encode()
        #expect(bytes.count < SharedStrings.minInputBytes)
        #expect(try CandidatePage(decoding: bytes) == sent)
    }

    @Test func invalidUTF8InAReferencedStringIsRejectedNamingTheField() throws {
        // A page large enough for a table, whose last job name is not valid UTF-8.
        var candidates = self.candidates(count: 50, jobs: 2, tags: 1)
        let marker = "Backend Engineer (Swift) in team XXXX"
        candidates[49].applications[0].job?.name = marker
        var bytes = try CandidatePage(items: candidates).encode()
        let needle = Array(marker.utf8)
        let start = try #require(
            (0...(bytes.count - needle.count)).last { Array(bytes[$0..<$0 + needle.count]) == needle }
        )
        bytes[start + needle.count - 1] = 0xFF
        #expect(bytes.count >= SharedStrings.minInputBytes)
        var error: ProtoCodecError?
        do { _ = try CandidatePage(decoding: bytes) } catch let caught { error = caught }
        #expect(error?.code == .invalidUTF8)
        #expect(error?.field == "name")
        #expect(error?.messageType == "atsbridge.v1.CandidatePage")
        #expect(!SharedStrings.isActiveOnThisThread)
    }

    @Test func noTableIsLeftOnTheThreadAfterADecode() throws {
        let bytes = try CandidatePage(items: self.candidates(count: 50, jobs: 2, tags: 1)).encode()
        _ = try CandidatePage(decoding: bytes)
        #expect(!SharedStrings.isActiveOnThisThread)
    }
}

import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStoreRules
import Testing

/// The backend-neutral change decisions (docs/store.md, "One home for the change rules"), with
/// no database: what an upsert writes, which parents it touches, which views go stale.
@Suite struct ChangeRulesTests {
    let fixture = StoreFixture()

    private func row(_ batch: RecordBatch) throws -> RecordRow {
        try #require(try RecordRow.rows(of: batch).first)
    }

    private func stored(_ row: RecordRow, hash: [UInt8]? = nil, deleted: Bool = false) -> StoredState {
        StoredState(hash: hash ?? row.hash, deleted: deleted, candidateID: row.candidateID, jobID: row.jobID)
    }

    @Test func newChangedAndUnchangedRecordsAreTold() throws {
        let candidates = self.fixture.candidates
        let rows = try RecordRow.rows(of: .candidates(Array(candidates.prefix(3))))
        let plan = UpsertPlan(
            model: .candidate,
            rows: rows,
            stored: [
                rows[1].id: self.stored(rows[1]),
                rows[2].id: self.stored(rows[2], hash: [1, 2, 3]),
            ]
        )
        #expect(plan.result.created == [rows[0].id])
        #expect(plan.result.changed == [rows[2].id])
        #expect(plan.result.unchanged == 1)
        #expect(plan.writes.map { rows[$0.position].id } == [rows[0].id, rows[2].id])
        #expect(plan.writes.map(\.isNew) == [true, false])
        #expect(plan.changeLog.map(\.kind) == [.created, .changed])
        // A changed candidate touches the applications pointing at it, not itself.
        #expect(
            plan.touches.targets(skipping: plan.writtenIDs)
                == [TouchTarget(model: .application, column: .candidateID, keys: [rows[2].id])]
        )
    }

    @Test func aRecordBackFromDeletionIsChanged() throws {
        let row = try self.row(.candidates([self.fixture.candidates[0]]))
        let plan = UpsertPlan(model: .candidate, rows: [row], stored: [row.id: self.stored(row, deleted: true)])
        #expect(plan.result.changed == [row.id])
    }

    @Test func anApplicationMovedToAnotherCandidateTouchesBoth() throws {
        var application = self.fixture.applications[0]
        let old = try self.row(.applications([application]))
        application.candidateID = self.fixture.id(.candidate, "moved-to")
        let new = try self.row(.applications([application]))
        let plan = UpsertPlan(model: .application, rows: [new], stored: [new.id: self.stored(old)])
        let targets = plan.touches.targets(skipping: plan.writtenIDs)
        #expect(targets.count == 1)
        #expect(targets.first?.model == .candidate)
        #expect(Set(targets.first?.keys ?? []) == Set([old.candidateID, new.candidateID].compactMap { $0 }))
        // Both candidates' kept views show the application list.
        let candidateRule = plan.staleViews.rules.first { $0.model == .candidate && $0.via == nil }
        #expect(Set(candidateRule?.keys ?? []) == Set([old.candidateID, new.candidateID].compactMap { $0 }))
    }

    @Test func parentsWrittenInTheSameBatchAreNotTouched() throws {
        let join = try self.row(.candidateTags([self.fixture.candidateTags[0]]))
        let plan = UpsertPlan(model: .candidateTag, rows: [join], stored: [:])
        let candidate = try #require(join.candidateID)
        #expect(plan.touches.targets(skipping: [ExactID(candidate)]).isEmpty)
        #expect(plan.touches.targets(skipping: []) == [TouchTarget(model: .candidate, column: .id, keys: [candidate])])
    }

    /// The keys a backend matches are in the order of its indexes, the ids' bytes, which is
    /// not `String`'s order: "\u{212B}" (ANGSTROM SIGN) compares as its canonical "\u{C5}",
    /// before "\u{D0}", but its UTF-8 (E2 84 AB) sorts after C3 90.
    @Test func touchedAndStaleKeysAreInByteOrder() throws {
        let ids = ["\u{212B}-c", "\u{D0}-c", "a-c"]
        #expect(ids.sorted() == ["a-c", "\u{212B}-c", "\u{D0}-c"])
        let joins = ids.enumerated().map { index, candidateID in
            CandidateTag(id: "ct-\(index)", candidateID: candidateID, tagID: "t-1")
        }
        let plan = UpsertPlan(model: .candidateTag, rows: try RecordRow.rows(of: .candidateTags(joins)), stored: [:])
        let byBytes = ["a-c", "\u{D0}-c", "\u{212B}-c"]
        #expect(plan.touches.targets(skipping: []).map(\.keys) == [byBytes])
        #expect(plan.staleViews.rules.first { $0.model == .candidate }?.keys == byBytes)
    }

    /// Canonically equivalent ids ("caté" composed and decomposed) are two records for a store:
    /// a write touching both touches both, clears both views, and skips only the one written.
    @Test func canonicallyEquivalentIDsAreTwoParents() throws {
        let composed = "cat\u{E9}"
        let decomposed = "cate\u{301}"
        #expect(composed == decomposed)
        let joins = [composed, decomposed].enumerated().map { index, candidateID in
            CandidateTag(id: "ct-\(index)", candidateID: candidateID, tagID: "t-1")
        }
        let plan = UpsertPlan(model: .candidateTag, rows: try RecordRow.rows(of: .candidateTags(joins)), stored: [:])
        let bytes = [Array(decomposed.utf8), Array(composed.utf8)]
        #expect(plan.touches.targets(skipping: []).first?.keys.map { Array($0.utf8) } == bytes)
        #expect(plan.staleViews.rules.first { $0.model == .candidate }?.keys.map { Array($0.utf8) } == bytes)
        #expect(
            plan.touches.targets(skipping: [ExactID(composed)]).first?.keys.map { Array($0.utf8) } == [bytes[0]]
        )
        var cleared = ClearedViews()
        cleared.noteWritten(.candidate, ids: [composed])
        let rule = try #require(plan.staleViews.rules.first { $0.model == .candidate && $0.via == nil })
        #expect(cleared.remaining(rule).keys.map { Array($0.utf8) } == [bytes[0]])
    }

    @Test func aStageChangeMakesItsApplicationsCandidatesAndJobsStale() throws {
        let stage = try self.row(.applicationStages([self.fixture.stages[0]]))
        let plan = UpsertPlan(model: .applicationStage, rows: [stage], stored: [stage.id: self.stored(stage, hash: [])])
        let rules = plan.staleViews.rules
        #expect(rules.contains { $0.model == .application && $0.column == .stageID && $0.keys == [stage.id] })
        #expect(rules.contains { $0.model == .candidate && $0.via?.model == .application })
        #expect(rules.contains { $0.model == .job && $0.via?.model == .jobApplicationStage })
    }

    @Test func deletedChildrenTouchTheirParents() {
        let plan = TombstonePlan(
            model: .jobHiringTeamMember,
            deleted: [(id: "m1", candidateID: nil, jobID: "j1"), (id: "m2", candidateID: nil, jobID: "j1")]
        )
        #expect(plan.result.deleted == ["m1", "m2"])
        #expect(plan.touches.targets(skipping: []) == [TouchTarget(model: .job, column: .id, keys: ["j1"])])
        #expect(plan.staleViews.rules.map(\.model) == [.job])
    }

    @Test func aBlankedCandidateKeepsOnlyItsIDs() throws {
        let data = try RetentionBlanking.blankedData(.candidate, id: "c1", remoteID: "r1")
        let candidate = try data.withUnsafeBytes { try Candidate(decoding: $0) }
        #expect(candidate == Candidate(id: "c1", remoteID: "r1"))
        #expect(throws: ATSBridgeError.self) { try RetentionBlanking.blankedData(.job, id: "j", remoteID: nil) }
    }

    @Test func theRecordSentIsTheStoredBytesWithTimesAndView() throws {
        let own = try Candidate(id: "c1", firstName: "Ján").encode()
        var view: [UInt8] = []
        ProtoWire.appendLengthDelimited(
            field: Candidate.FieldNumber.tags,
            try TagSummary(id: "t1", name: "Java").encode(),
            to: &view
        )
        let sent = RecordWire(.candidate).record(data: own, changedAt: 5, remoteDeletedAt: 7, view: view)
        let candidate = try sent.withUnsafeBytes { try Candidate(decoding: $0) }
        #expect(candidate.changedAt == 5)
        #expect(candidate.remoteDeletedAt == 7)
        #expect(candidate.firstName == "Ján")
        #expect(candidate.tags.map(\.name) == ["Java"])

        var page: [UInt8] = []
        RecordWire(.candidate).appendPageItem(sent, to: &page)
        let decoded = try page.withUnsafeBytes { try CandidatePage(decoding: $0) }
        #expect(decoded.items == [candidate])
    }

    @Test func aTransactionClearsEachViewOnce() {
        var stale = StaleViews()
        // Applications of c1 and c2 changed: their candidates' views go stale.
        stale.recordChanged(.application, id: "a1", candidateID: "c1", jobID: nil)
        stale.recordChanged(.application, id: "a2", candidateID: "c2", jobID: nil)
        // A tag renamed: a rule through the candidate tags, kept whole every time.
        stale.recordChanged(.tag, id: "t1", candidateID: nil, jobID: nil)
        var cleared = ClearedViews()
        cleared.noteWritten(.candidate, ids: ["c1"])
        let first = stale.rules.map { cleared.remaining($0) }
        let candidatesByID = first.filter { $0.model == .candidate && $0.column == .id && $0.via == nil }
        #expect(candidatesByID.map(\.keys) == [["c2"]], "c1 was written: its view is already cleared")
        let second = stale.rules.map { cleared.remaining($0) }
        #expect(second.filter { $0.via == nil }.allSatisfy { $0.keys.isEmpty })
        #expect(second.filter { $0.via != nil } == stale.rules.filter { $0.via != nil })
        #expect(second.contains { $0.via != nil && $0.keys == ["t1"] })
    }
}

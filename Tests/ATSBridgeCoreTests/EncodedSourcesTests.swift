import ATSBridgeCore
import ATSBridgeProto
import Testing

/// A sync pairs its fingerprints with the rows before the store's writer sees them: what it
/// pairs decides which fingerprints a store remembers without reading the record back.
@Suite struct EncodedSourcesTests {
    func candidate(_ remoteID: String, title: String? = nil, deleted: Bool = false) -> Candidate {
        var candidate = Candidate(id: "id-\(remoteID)", remoteID: remoteID)
        candidate.title = title
        if deleted { candidate.remoteDeletedAt = 400 }
        return candidate
    }

    func source(_ remoteID: String, recordID: String? = nil, model: Model = .candidate, hash: UInt8 = 1) -> SourceHash {
        SourceHash(
            model: model,
            remoteID: remoteID,
            hash: [UInt8](repeating: hash, count: 16),
            recordID: recordID ?? "id-\(remoteID)"
        )
    }

    func hash(of id: String, in batch: EncodedBatch) -> [UInt8]? {
        batch.rows.first { $0.id == id }?.hash
    }

    @Test func aSourceWhoseRecordIsAmongTheRowsTakesTheRowsHash() async throws {
        let encoded = try await EncodedBatch.encode([.candidates([self.candidate("a"), self.candidate("b")])])
        let sources = EncodedSources([self.source("a"), self.source("c")], written: encoded)
        #expect(sources.written.map(\.source) == [self.source("a")])
        #expect(sources.written.map(\.recordHash) == [self.hash(of: "id-a", in: encoded[0])])
        #expect(sources.others == [self.source("c")])
        #expect(sources.all == [self.source("a"), self.source("c")])
    }

    /// The last batch holding a record is what the store keeps of it; a row of another model
    /// with the same id is not that record.
    @Test func theLastBatchOfTheSourcesModelDecides() async throws {
        let encoded = try await EncodedBatch.encode([
            .candidates([self.candidate("a", title: "first")]),
            .candidates([self.candidate("a", title: "second")]),
            .tags([Tag(id: "id-t", remoteID: "t", name: "Senior")]),
        ])
        #expect(self.hash(of: "id-a", in: encoded[0]) != self.hash(of: "id-a", in: encoded[1]))
        let sources = EncodedSources(
            [self.source("a"), self.source("t", recordID: "id-t", model: .candidate)],
            written: encoded
        )
        #expect(sources.written.map(\.recordHash) == [self.hash(of: "id-a", in: encoded[1])])
        #expect(sources.others.map(\.remoteID) == ["t"])
    }

    @Test func aSourceWhoseRecordTheRowsMarkDeletedIsLeftOut() async throws {
        let encoded = try await EncodedBatch.encode([.candidates([self.candidate("a", deleted: true)])])
        let sources = EncodedSources([self.source("a"), self.source("b")], written: encoded)
        #expect(sources.written.isEmpty)
        #expect(sources.all == [self.source("b")])
    }

    /// Of a remote id given twice, the last, at its own place in the order; remote ids that are
    /// canonically equivalent but differ in bytes are two sources, as they are two store keys.
    @Test func theLastOfEachRemoteIDByItsBytes() async throws {
        let precomposed = "\u{E9}"
        let decomposed = "e\u{301}"
        #expect(precomposed == decomposed)
        let sources = EncodedSources(
            [
                self.source("a", hash: 1), self.source(precomposed), self.source("b"), self.source("a", hash: 2),
                self.source(decomposed), self.source("a", model: .job, hash: 3),
            ],
            written: []
        )
        #expect(
            sources.all.map { "\($0.model.rawValue) \($0.remoteID) \($0.hash[0])" }
                == ["3 \(precomposed) 1", "3 b 1", "3 a 2", "3 \(decomposed) 1", "2 a 3"]
        )
        #expect(Array(sources.all[0].remoteID.utf8) == Array(precomposed.utf8))
        #expect(Array(sources.all[3].remoteID.utf8) == Array(decomposed.utf8))
        #expect(sources.others.count == 5)
    }

    /// A source named first with a record among the rows and then with one that is not: the
    /// last, checked against the store.
    @Test func theLastMentionDecidesWhetherTheRowsVouch() async throws {
        let encoded = try await EncodedBatch.encode([.candidates([self.candidate("a")])])
        let sources = EncodedSources(
            [self.source("a"), self.source("a", recordID: "id-elsewhere", hash: 9)],
            written: encoded
        )
        #expect(sources.written.isEmpty)
        #expect(sources.others == [self.source("a", recordID: "id-elsewhere", hash: 9)])
    }
}

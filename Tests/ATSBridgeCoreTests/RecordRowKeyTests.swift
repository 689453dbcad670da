import ATSBridgeCore
import ATSBridgeProto
import Testing

/// The stores find names and emails case-insensitively through keys written by
/// `RecordRow.lowercaseKey` and compare them with keys of the query's text: the key must be
/// exactly the standard library's `lowercased()`, or a stored record stops being found.
@Suite struct RecordRowKeyTests {
    @Test func theKeyOfEveryScalarIsItsStandardLowercaseMapping() {
        var differing: [UInt32] = []
        for value in UInt32(0)...0x10_FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            // Alone (the key's room is twice its length), and between an ASCII letter and a
            // non-ASCII one, so the key's slow path runs.
            for text in [String(scalar), "A" + String(scalar) + "ß"]
            where !RecordRow.lowercaseKey(text).utf8.elementsEqual(text.lowercased().utf8) {
                differing.append(value)
            }
        }
        #expect(differing.isEmpty, "scalars whose key differs: \(differing.prefix(10))")
    }

    @Test(arguments: ["Nováková-12", "ÓSCAR ÁLVAREZ", "ΌΣΟΣ ΣΑΣ", "İstanbul", "ǅemal", "Jörg@Example.SK", "plain", ""])
    func textsKeyAsLowercased(text: String) {
        #expect(RecordRow.lowercaseKey(text) == text.lowercased())
        #expect(RecordRow.lowercaseKey(text).utf8.elementsEqual(text.lowercased().utf8))
    }

    @Test func aLargeBatchIsSortedByIDWithTheLastOfEachID() async throws {
        // Large enough to be encoded in two parts; the repeated id is in both.
        var candidates = (0..<600).map {
            Candidate(id: "c-\(1_000 + $0)", remoteID: "r\($0)", firstName: "First \($0)")
        }
        candidates[550] = Candidate(id: "c-1010", remoteID: "r10", firstName: "Later", lastName: "NOVÁK")
        candidates.append(Candidate(id: "c-1011", remoteID: "r11", firstName: "Last"))
        let rows = try await RecordRow.sortedRows(of: .candidates(candidates))
        #expect(rows.map(\.id) == Set(candidates.map(\.id)).sorted())
        let repeated = try #require(rows.first { $0.id == "c-1010" })
        #expect(repeated.firstName == "Later")
        #expect(repeated.lastNameKey == "novák")
        #expect(rows.first { $0.id == "c-1011" }?.firstName == "Last")
        let alone = try await RecordRow.sortedRows(of: .candidates(candidates), parts: 1)
        #expect(alone == rows)
    }

    @Test func aCandidatesAddressesAreKeyedOnceEachInOrder() async throws {
        let candidate = Candidate(
            id: "c-1",
            emailAddresses: [
                EmailAddress(emailAddress: "Zoe@Example.SK"), EmailAddress(emailAddress: "ann@example.sk"),
                EmailAddress(emailAddress: "zoe@example.sk"), EmailAddress(emailAddress: nil),
            ]
        )
        let rows = try await RecordRow.sortedRows(of: .candidates([candidate]))
        #expect(rows.first?.emails == ["ann@example.sk", "zoe@example.sk"])
    }

    @Test func idsAreOrderedAndTellApartByTheirBytes() async throws {
        let texts = ["", "a", "ab", "b", "e\u{301}x", "\u{E9}x", "f", "\u{1F600}", "z", "\u{FFFF}"]
        for left in texts {
            for right in texts {
                let bytes = Array(left.utf8).lexicographicallyPrecedes(Array(right.utf8))
                #expect((RecordRow.byteOrder(left, right) < 0) == bytes, "\(left) < \(right)")
                #expect((RecordRow.byteOrder(left, right) == 0) == Array(left.utf8).elementsEqual(right.utf8))
            }
        }
        // Canonically equivalent, so equal for `String`, but two keys for a store.
        let decomposed = "e\u{301}x"
        let composed = "\u{E9}x"
        #expect(decomposed == composed)
        #expect(
            RecordRow.uniqueSorted([composed, decomposed, composed]).map { Array($0.utf8) } == [
                Array(decomposed.utf8), Array(composed.utf8),
            ]
        )
        let rows = try await RecordRow.sortedRows(
            of: .candidates([Candidate(id: composed, firstName: "Composed"), Candidate(id: decomposed)])
        )
        #expect(rows.map { Array($0.id.utf8) } == [Array(decomposed.utf8), Array(composed.utf8)])
        #expect(rows.last?.firstName == "Composed")
    }

    /// The sort compares each text's first eight bytes as one number and whole texts only on
    /// a tie: texts that share those bytes, end within them or hold a NUL byte order by bytes.
    @Test func textsSharingTheirFirstBytesAreOrderedByAllOfThem() async throws {
        var texts = ["", "\u{0}", "a", "a\u{0}", "a\u{0}b", "a\u{1}", "abcdefgh", "abcdefg", "abcdefgh\u{0}"]
        texts += (0..<300).map { "candidate-\(($0 * 7_919) % 1_000)" }
        texts += ["caté", "cate\u{301}", "\u{FFFF}", "\u{1F600}", "abcdefghij", "abcdefghi"]
        let expected = Set(texts.map { Array($0.utf8) }).sorted { $0.lexicographicallyPrecedes($1) }
        #expect(RecordRow.uniqueSorted(texts + texts.reversed()).map { Array($0.utf8) } == expected)

        // Ids may hold no NUL (the codec refuses it).
        let ids = texts.filter { !$0.isEmpty && !$0.utf8.contains(0) }
        let candidates = ids.enumerated().map { Candidate(id: $1, firstName: "First \($0)") }
        let rows = try await RecordRow.sortedRows(
            of: .candidates(candidates + [Candidate(id: "candidate-0", firstName: "Later")])
        )
        #expect(rows.map { Array($0.id.utf8) } == expected.filter { !$0.isEmpty && !$0.contains(0) })
        #expect(rows.first { $0.id == "candidate-0" }?.firstName == "Later")
    }

    /// Store-managed times and nested views are not part of a record's data or hash: a record
    /// that has them (encoded from a copy) and one that has not (encoded in place) are one row.
    @Test func timesAndNestedViewsAreLeftOutOfTheData() throws {
        let plain = Candidate(id: "c-1", remoteID: "r1", firstName: "Ann")
        var full = plain
        full.changedAt = 5
        full.applications = [CandidateApplication(id: "a-1")]
        full.tags = [TagSummary(id: "t-1", name: "senior")]
        let rows = try RecordRow.rows(of: .candidates([plain, full]))
        #expect(rows[0].data == rows[1].data)
        #expect(rows[0].hash == rows[1].hash)
        #expect(rows[0].data == (try plain.encode()))

        var deleted = plain
        deleted.remoteDeletedAt = 9
        let deletedRow = try #require(try RecordRow.rows(of: .candidates([deleted])).first)
        #expect(deletedRow.data == rows[0].data)
        #expect(deletedRow.remoteDeletedAt == 9)

        let application = Application(id: "a-1", candidateID: "c-1")
        var nested = application
        nested.candidate = ApplicationCandidate(id: "c-1", firstName: "Ann")
        let applicationRows = try RecordRow.rows(of: .applications([application, nested]))
        #expect(applicationRows[0].data == applicationRows[1].data)
        #expect(applicationRows[0].candidateID == "c-1")

        var job = Job(id: "j-1", name: "Engineer")
        let jobRow = try RecordRow.rows(of: .jobs([job]))
        job.stages = [JobStage(id: "s-1", name: "Screen", index: 0)]
        #expect(try RecordRow.rows(of: .jobs([job])).first?.data == jobRow.first?.data)
    }
}

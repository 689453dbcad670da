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
}

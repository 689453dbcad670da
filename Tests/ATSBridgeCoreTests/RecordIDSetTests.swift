import ATSBridgeCore
import ATSBridgeProto
import Testing

/// The ids a full sync saw: membership by bytes, for derived ids and any other.
@Suite struct RecordIDSetTests {
    private let derived = (0..<50).map { RecordID.make(integrationID: "int-1", model: .candidate, remoteID: "\($0)") }

    @Test func derivedAndOtherIdsAreFoundByTextAndByBytes() {
        // 24 bytes, but not derived (non-ASCII, and of fewer characters); shorter; longer; empty.
        let others = ["ééééééAAAAAAAAAAAA", "stage-1", String(repeating: "x", count: 25), ""]
        #expect(others[0].utf8.count == 24)
        let set = RecordIDSet(self.derived + others)
        #expect(set.count == 54)
        for id in self.derived + others {
            #expect(set.contains(id))
            var bytes = id
            #expect(bytes.withUTF8 { set.contains(utf8: UnsafeRawBufferPointer($0)) })
        }
        let absent = RecordID.make(integrationID: "int-2", model: .candidate, remoteID: "0")
        for id in [absent, "stage-2", String(repeating: "x", count: 24), "ééééééAAAAAAAAAAAB"] {
            #expect(!set.contains(id))
        }
    }

    @Test func idsAreComparedByBytesNotByUnicodeEquivalence() {
        // Pairs equal as Swift strings (canonically equivalent) but different ids in a store:
        // both 24 bytes (held inline), both shorter (held as strings), and one of each.
        let padding = String(repeating: "a", count: 19)
        let pairs = [
            ("a\u{301}\u{316}" + padding, "a\u{316}\u{301}" + padding),
            ("caf\u{E9}", "cafe\u{301}"),
            ("caf\u{E9}" + padding, "cafe\u{301}" + padding),
        ]
        #expect(pairs[0].0.utf8.count == 24 && pairs[0].1.utf8.count == 24)
        #expect(pairs[2].0.utf8.count == 24 && pairs[2].1.utf8.count == 25)
        for (one, other) in pairs {
            #expect(one == other)
            let set: RecordIDSet = [one]
            #expect(set.contains(one))
            #expect(!set.contains(other), "\(Array(other.utf8))")
            let both = RecordIDSet([one, other])
            #expect(both.count == 2 && both.contains(other))
        }
    }

    @Test func anIdAddedTwiceIsHeldOnceAndIteratesBackWhole() {
        var set = RecordIDSet()
        #expect(set.isEmpty)
        set.formUnion(self.derived)
        set.formUnion(self.derived.prefix(10))
        set.insert("stage-1")
        set.insert("stage-1")
        #expect(set.count == 51)
        #expect(Set(set) == Set(self.derived + ["stage-1"]))
        #expect(set == RecordIDSet(self.derived.reversed() + ["stage-1"]))
    }
}

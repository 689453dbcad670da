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
        // "é" precomposed and decomposed: equal as Swift strings, different ids in a store.
        let precomposed = "caf\u{E9}" + String(repeating: "a", count: 19)
        let decomposed = "cafe\u{301}" + String(repeating: "a", count: 19)
        #expect(precomposed == decomposed)
        #expect(precomposed.utf8.count == 24 && decomposed.utf8.count == 25)
        let set: RecordIDSet = [precomposed]
        #expect(set.contains(precomposed))
        #expect(!set.contains(decomposed))
        let both = RecordIDSet([precomposed, decomposed])
        #expect(both.count == 2 && both.contains(decomposed))
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

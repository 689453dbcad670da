import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeTestSupport
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

    /// Through many additions (and the storage growing), the same members and answers as the
    /// standard library's set of strings.
    @Test func aLargeSetAnswersAsAStandardSetDoes() {
        var generator = SeededGenerator(seed: 42)
        var set = RecordIDSet()
        var reference = Set<String>()
        for round in 0..<20_000 {
            let remoteID = "\(Int.random(in: 0..<12_000, using: &generator))"
            let id =
                round % 7 == 0
                ? "other-\(round % 500)"
                : RecordID.make(integrationID: "int-1", model: .application, remoteID: remoteID)
            set.insert(id)
            reference.insert(id)
        }
        #expect(set.count == reference.count)
        #expect(Set(set.ids) == reference)
        for id in reference { #expect(set.contains(id)) }
        for remote in 12_000..<13_000 {
            #expect(!set.contains(RecordID.make(integrationID: "int-1", model: .application, remoteID: "\(remote)")))
        }
    }

    /// Twenty-four NUL bytes are an id of the inline size like any other.
    @Test func theAllZeroIdIsHeldLikeAnyOther() {
        let zero = String(repeating: "\0", count: 24)
        var set: RecordIDSet = [self.derived[0]]
        #expect(!set.contains(zero))
        set.insert(zero)
        set.insert(zero)
        #expect(set.count == 2 && set.contains(zero) && set.contains(self.derived[0]))
        #expect(Set(set.ids) == [zero, self.derived[0]])
        #expect(set == RecordIDSet([zero, self.derived[0]]))
    }

    /// A copy is a value: adding to it leaves the original as it was.
    @Test func aCopyIsChangedAlone() {
        let original = RecordIDSet(self.derived.prefix(5))
        var copy = original
        copy.formUnion(self.derived)
        #expect(original.count == 5 && copy.count == 50)
        #expect(!original.contains(self.derived[49]) && copy.contains(self.derived[49]))
        #expect(original != copy)
    }
}

import ATSBridgeCore
import ATSBridgeStoreRules
import Testing

/// How a backend matches the ids it reads back to the positions of a batch's rows.
@Suite struct IDWalkTests {
    /// In byte order, as a batch's rows are: "\u{E9}x" (C3 A9 78) sorts after "z" (7A).
    private let ids = ["a-1", "a-2", "b", "e\u{301}x", "z", "\u{E9}x"]

    @Test func resultsInKeyOrderAreMatchedInOneWalk() {
        var walk = IDWalk(ids: self.ids)
        #expect(["a-1", "b", "e\u{301}x", "z", "\u{E9}x"].map { walk.position(of: $0) } == [0, 2, 3, 4, 5])
    }

    @Test func resultsInAnyOrderAreFoundAndUnknownIDsAreNot() {
        var walk = IDWalk(ids: self.ids)
        let order = ["z", "\u{E9}x", "a-2", "missing", "e\u{301}x", "a-1", "", "b"]
        #expect(order.map { walk.position(of: $0) } == [4, 5, 1, nil, 3, 0, nil, 2])
    }

    /// The search both the walk and the stores' row lookups use: by bytes, so canonically
    /// equivalent ids are told apart.
    @Test func theBinarySearchFindsEachIDByItsBytes() {
        let ids = self.ids
        let bytes = ids.map { Array($0.utf8) }
        #expect(bytes == bytes.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(ids.last == "\u{E9}x")  // 0xC3 sorts after every ASCII byte
        func find(_ id: String) -> Int? {
            RecordRow.search(count: ids.count) { RecordRow.byteOrder(ids[$0], id) }
        }
        #expect(ids.map(find) == Array(ids.indices))
        #expect(find("missing") == nil)
        #expect(find("") == nil)
        #expect(RecordRow.search(count: 0) { _ in 0 } == nil)
    }
}

import ATSBridgeProto
import ATSBridgeTestSupport
import Testing

/// Pages passed through undecoded: split into records, or turned into the delimited export
/// format, byte for byte.
@Suite struct PageWireTests {
    private let items = (0..<5).map { try! SampleRecords.candidate(index: $0).encode() } + [[]]

    @Test func aPageBecomesDelimitedRecords() throws {
        let page = EncodedPage.encode(items: self.items, nextCursor: "next")
        let delimited = try DelimitedPage(decoding: page)
        #expect(delimited.count == self.items.count)
        #expect(delimited.nextCursor == "next")
        var expected: [UInt8] = []
        for item in self.items {
            ProtoWire.appendVarint(UInt64(item.count), to: &expected)
            expected += item
        }
        #expect(delimited.delimited == expected)
        #expect(try delimited.encode() == page)
        #expect(try RawPage(decoding: page).items == self.items)
    }

    @Test func malformedPagesAreTypedErrors() {
        let page = EncodedPage.encode(items: self.items, nextCursor: nil)
        #expect(throws: ProtoCodecError.self) { try DelimitedPage(decoding: Array(page.dropLast())) }
        #expect(throws: ProtoCodecError.self) { try DelimitedPage(decoding: [0x12, 0x02, 0xFF, 0xFE]) }
        var small = DecodingLimits()
        small.maxBytes = 10
        #expect(throws: ProtoCodecError.self) { try DelimitedPage(decoding: page, limits: small) }
    }
}

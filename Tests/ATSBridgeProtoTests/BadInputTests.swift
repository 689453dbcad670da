import ATSBridgeProto
import ATSBridgeTestSupport
import Testing

@Suite struct BadInputTests {
    private func decodeError<M: ProtoMessage>(_ type: M.Type, _ bytes: [UInt8], limits: DecodingLimits = .default)
        -> ProtoCodecError?
    {
        do {
            _ = try M(decoding: bytes, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func truncatedInsideAFieldIsMalformed() throws {
        let bytes = try SampleRecords.candidate().encode()
        let error = self.decodeError(Candidate.self, Array(bytes.dropLast(3)))
        #expect(error?.code == .malformed)
        #expect(error?.messageType == "atsbridge.v1.Candidate")
    }

    @Test func everyPrefixDecodesOrFailsWithATypedError() throws {
        let bytes = try SampleRecords.candidate().encode()
        var failures = 0
        for length in 0..<bytes.count {
            if let error = self.decodeError(Candidate.self, Array(bytes.prefix(length))) {
                #expect([ProtoCodecError.Code.malformed, .missingRequiredField].contains(error.code))
                failures += 1
            }
        }
        #expect(failures > bytes.count / 2)
    }

    @Test func inputOverTheByteLimitIsRejectedBeforeParsing() {
        var limits = DecodingLimits()
        limits.maxBytes = 64
        let error = self.decodeError(Candidate.self, [UInt8](repeating: 0, count: 65), limits: limits)
        #expect(error?.code == .tooLarge)
        let defaultLimit = self.decodeError(Candidate.self, [UInt8](repeating: 0, count: (4 << 20) + 1))
        #expect(defaultLimit?.code == .tooLarge)
    }

    @Test func millionEmptySubMessagesFailOnTheAllocationBudget() {
        // Candidate { id: "x", phone_numbers: [{} × 1,000,000] }: 2 MB that protobuf-c would
        // turn into hundreds of MB of structs without a budget.
        var bytes: [UInt8] = [0x0A, 0x01, 0x78]
        bytes.reserveCapacity(3 + 2_000_000)
        for _ in 0..<1_000_000 { bytes.append(contentsOf: [0x52, 0x00]) }
        let error = self.decodeError(Candidate.self, bytes)
        #expect(error?.code == .allocationBudgetExceeded)

        // The same in a page: one million empty candidates.
        let page = [UInt8]((0..<1_000_000).flatMap { _ in [UInt8(0x0A), 0x00] })
        let pageError = self.decodeError(CandidatePage.self, page)
        #expect(pageError != nil)
    }

    @Test func aRepeatedFieldWithinBudgetStillDecodes() throws {
        var bytes: [UInt8] = [0x0A, 0x01, 0x78]
        for _ in 0..<1_000 { bytes.append(contentsOf: [0x52, 0x00]) }
        #expect(try Candidate(decoding: bytes).phoneNumbers.count == 1_000)
    }

    @Test func invalidUTF8InAStringFieldIsRejectedNamingTheField() {
        // id "x", first_name = C3 28 (an invalid two-byte sequence).
        let error = self.decodeError(Candidate.self, [0x0A, 0x01, 0x78, 0x2A, 0x02, 0xC3, 0x28])
        #expect(error?.code == .invalidUTF8)
        #expect(error?.field == "first_name")
        #expect(error?.messageType == "atsbridge.v1.Candidate")
    }

    @Test func invalidUTF8InANestedRepeatedStringIsRejected() {
        // ListCandidatesRequest.job_ids = [FF].
        let error = self.decodeError(ListCandidatesRequest.self, [0x1A, 0x01, 0xFF])
        #expect(error?.code == .invalidUTF8)
        #expect(error?.field == "job_ids")
    }

    @Test func missingRequiredFieldIsNamed() {
        // Candidate with first_name "abc" and no id.
        let error = self.decodeError(Candidate.self, [0x2A, 0x03, 0x61, 0x62, 0x63])
        #expect(error?.code == .missingRequiredField)
        #expect(error?.field == "id")
        #expect(self.decodeError(Status.self, [])?.code == .missingRequiredField)
    }

    @Test func wrongWireTypeIsMalformed() {
        // Candidate.id sent as a varint.
        #expect(self.decodeError(Candidate.self, [0x08, 0x01])?.code == .malformed)
        // An end-group wire type that protobuf-c does not support.
        #expect(self.decodeError(Candidate.self, [0x0A, 0x01, 0x78, 0x0C])?.code == .malformed)
    }

    @Test func nulInAStringCannotBeEncodedSilently() {
        #expect {
            try Candidate(id: "x", firstName: "a\u{0}b").encode()
        } throws: { error in
            (error as? ProtoCodecError)?.code == .unencodable && (error as? ProtoCodecError)?.field == "first_name"
        }
    }

    @Test func errorMessagesCarryNoFieldContents() throws {
        var bytes = try Candidate(id: "x", firstName: "Šťastný").encode()
        bytes[bytes.count - 1] = 0xFF
        let error = self.decodeError(Candidate.self, bytes)
        #expect(error != nil)
        #expect(!(error?.description.contains("Šťastn") ?? true))
    }
}

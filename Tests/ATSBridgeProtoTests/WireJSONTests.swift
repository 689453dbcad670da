import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeTestSupport
import Foundation
import Testing

/// The wire-to-JSON transcoders (`writeJSON(wire:to:limits:)`) write exactly what the typed
/// decode and `jsonBytes()` write, for records laid out as the store sends them, and never
/// crash or write invalid JSON on damaged bytes.
@Suite struct WireJSONTests {
    // MARK: Equality with the typed path

    @Test func storeLaidOutRecordsOfEveryModelMatchTheTypedJSON() throws {
        var random = SeededGenerator(seed: 0x150_2026)
        for index in 0..<300 {
            var records = RandomRecords(random: random, index: index)
            try self.expectSame(records.candidate(), as: Candidate.self)
            try self.expectSame(records.job(), as: Job.self)
            try self.expectSame(records.application(), as: Application.self)
            try self.expectSame(records.user(), as: User.self)
            try self.expectSame(records.applicationStage(), as: ApplicationStage.self)
            try self.expectSame(records.tag(), as: Tag.self)
            try self.expectSame(records.candidateTag(), as: CandidateTag.self)
            try self.expectSame(records.jobApplicationStage(), as: JobApplicationStage.self)
            try self.expectSame(records.jobHiringTeamMember(), as: JobHiringTeamMember.self)
            random = records.random
        }
    }

    @Test func lastScalarWinsAndRepeatedOrMessageFieldsMerge() throws {
        var bytes = try Candidate(id: "c1", remoteID: "first", location: Location(city: "Brno")).encode()
        ProtoWire.appendLengthDelimited(field: 2, Array("second".utf8), to: &bytes)
        ProtoWire.appendLengthDelimited(field: 12, try Location(country: "CZ").encode(), to: &bytes)
        ProtoWire.appendLengthDelimited(field: 15, try TagSummary(id: "t1", name: "A").encode(), to: &bytes)
        ProtoWire.appendVarintField(field: 3, -1, to: &bytes)
        ProtoWire.appendVarintField(field: 999, 7, to: &bytes)
        let json = try self.expectSame(bytes, as: Candidate.self)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""remote_id":"second""#))
        #expect(text.contains(#""city":"Brno""#) && text.contains(#""country":"CZ""#))
        #expect(text.contains(#""changed_at":"1969-12-31T23:59:59.999Z""#))
    }

    @Test func remoteDataIsCompactJSONOrNull() throws {
        let cases: [(String, String)] = [
            (" {\"a\" : [1, true, null, \"x y\"]}\n", #""remote_data":{"a":[1,true,null,"x y"]}"#),
            ("42", #""remote_data":null"#),
            ("{\"a\":1", #""remote_data":null"#),
            ("[\"\\ud800\"]", #""remote_data":null"#),
            ("[\"\\ud83d\\ude00\"]", #""remote_data":["\ud83d\ude00"]"#),
            // Long runs of plain ASCII (read a word at a time), escapes and spaces inside strings.
            (
                "{ \"key with spaces\" : \"a \\\" quoted\\\\ value, longer than eight\" ,\t\"n\": -1.5e3 }",
                #""remote_data":{"key with spaces":"a \" quoted\\ value, longer than eight","n":-1.5e3}"#
            ),
            (
                "{\"already\":\"compact and long enough to skip\",\"é\":[\"žluť\"]}",
                #"{"already":"compact and long enough to skip","é":["žluť"]}"#
            ),
            ("{\"tab\":\"a raw\ttab in a long string\"}", #""remote_data":null"#),
            ("{\"cut\":\"abcdefghijklmnop", #""remote_data":null"#),
        ]
        for (raw, expected) in cases {
            let json = try self.expectSame(try Tag(id: "t", remoteData: Array(raw.utf8)).encode(), as: Tag.self)
            #expect(String(decoding: json, as: UTF8.self).contains(expected))
        }
    }

    @Test func timesAreISO8601InEveryRange() {
        let cases: [(Int64, String)] = [
            (0, "1970-01-01T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (1_764_419_395_197, "2025-11-29T12:29:55.197Z"),
            (253_402_300_800_000, "10000-01-01T00:00:00.000Z"),
            (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"),
        ]
        for (milliseconds, expected) in cases {
            var out: [UInt8] = []
            ISOTimestamp.append(milliseconds, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == expected)
            var writer = ProtoJSONWriter()
            writer.timestamp(milliseconds)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == "\"\(expected)\"")
        }
        var seconds: [UInt8] = []
        ISOTimestamp.append(1_764_419_395_197, fractionalSeconds: false, to: &seconds)
        #expect(String(decoding: seconds, as: UTF8.self) == "2025-11-29T12:29:55Z")
    }

    @Test func badBytesThrowTypedErrors() throws {
        let good = try Candidate(id: "c1", firstName: "Ján").encode()
        var nul = try Candidate(id: "c1").encode()
        ProtoWire.appendLengthDelimited(field: 5, [0x41, 0x00, 0x42], to: &nul)
        var invalid = try Candidate(id: "c1").encode()
        ProtoWire.appendLengthDelimited(field: 5, [0x41, 0xC3], to: &invalid)
        var wrongType = try Candidate(id: "c1").encode()
        ProtoWire.appendVarintField(field: 5, 1, to: &wrongType)
        let cases: [([UInt8], ProtoCodecError.Code)] = [
            (Array(good.dropLast()), .malformed),
            ([0x0A, 0x05, 0x41], .malformed),
            ([0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], .malformed),
            ([0x0B], .malformed),
            ([], .missingRequiredField),
            (nul, .embeddedNUL),
            (invalid, .invalidUTF8),
            (wrongType, .malformed),
            // A key whose first byte holds field number 0, which protobuf-c refuses.
            (try Candidate(id: "c1").encode() + [0x02, 0x01, 0x41], .malformed),
        ]
        for (bytes, code) in cases {
            var json = ProtoJSONWriter()
            json.value("before")
            let before = json.bytes
            #expect {
                try bytes.withUnsafeBytes { try Candidate.writeJSON(wire: $0, to: &json, limits: .default) }
            } throws: { error in
                (error as? ProtoCodecError)?.code == code
            }
            #expect(json.bytes == before, "a failed record leaves nothing behind")
            #expect(throws: ProtoCodecError.self, "the typed decode refuses it too") { try Candidate(decoding: bytes) }
        }
        // A longer key that works out to field 0 is an unknown field to both.
        let longZero = try Candidate(id: "c1").encode() + [0x82, 0x00, 0x01, 0x41]
        try self.expectSame(longZero, as: Candidate.self)
        #expect(try Candidate(decoding: longZero) == Candidate(id: "c1"))
    }

    @Test func pagesBecomeNDJSONInOrderAlsoInHalves() throws {
        var random = SeededGenerator(seed: 7)
        var records = RandomRecords(random: random, index: 0)
        var page: [UInt8] = []
        var expected: [UInt8] = []
        for _ in 0..<40 {
            let bytes = try records.candidate()
            ProtoWire.appendLengthDelimited(field: 1, bytes, to: &page)
            expected += try Candidate(decoding: bytes).jsonBytes() + [0x0A]
        }
        random = records.random
        let delimited = try page.withUnsafeBytes { try DelimitedPage(decoding: $0, limits: .default) }
        var whole = ProtoJSONWriter()
        try delimited.writeNDJSON(as: Candidate.self, to: &whole)
        #expect(whole.bytes == expected)
        let middle = delimited.middleOffset
        #expect(middle > 0 && middle < delimited.delimited.count)
        var first = ProtoJSONWriter()
        var second = ProtoJSONWriter()
        try delimited.writeNDJSON(as: Candidate.self, in: 0..<middle, to: &first)
        try delimited.writeNDJSON(as: Candidate.self, in: middle..<delimited.delimited.count, to: &second)
        #expect(first.bytes + second.bytes == expected)
    }

    // MARK: Damaged bytes

    @Test func mutatedBytesGiveTypedErrorsOrValidJSONEqualToTheTypedPath() throws {
        var random = SeededGenerator(seed: 0xF022_2026)
        var records = RandomRecords(random: SeededGenerator(seed: 99), index: 1)
        let seeds: [(any (ProtoMessage & WireJSONWritable).Type, [UInt8])] = [
            (Candidate.self, try records.candidate()),
            (Job.self, try records.job()),
            (Application.self, try records.application()),
            (JobHiringTeamMember.self, try records.jobHiringTeamMember()),
            (Candidate.self, try SampleRecords.candidate().encode()),
        ]
        var outcomes = FuzzOutcomes()
        for round in 0..<40_000 {
            let (type, seed) = seeds[round % seeds.count]
            let bytes = WireMutator.mutate(seed, &random)
            outcomes.add(try self.compare(bytes, as: type))
        }
        #expect(outcomes.equal > 1_000)
        #expect(outcomes.rejected > 1_000)
    }

    private func compare<M: ProtoMessage & WireJSONWritable>(_ bytes: [UInt8], as type: M.Type) throws -> FuzzOutcome {
        let typed = Result { () throws(ProtoCodecError) in try M(decoding: bytes) }.map { $0.jsonBytes() }
        var json = ProtoJSONWriter()
        do {
            try bytes.withUnsafeBytes { try M.writeJSON(wire: $0, to: &json, limits: .default) }
        } catch {
            #expect(error is ProtoCodecError)
            if case .success = typed {
                // The typed decode reads a C string, so it silently cuts a string at a NUL;
                // the transcoder rejects it. Every other rejection must match.
                #expect((error as? ProtoCodecError)?.message.contains("NUL") == true, "\(error)")
                return .nulOnlyWire
            }
            return .rejected
        }
        #expect(!json.bytes.contains(0x0A), "one NDJSON line")
        #expect((try? JSONSerialization.jsonObject(with: Data(json.bytes))) != nil, "valid JSON")
        if case .success(let expected) = typed {
            #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
            return .equal
        }
        return .wireOnly
    }

    @discardableResult
    private func expectSame<M: ProtoMessage & WireJSONWritable>(
        _ bytes: [UInt8],
        as type: M.Type,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [UInt8] {
        let typed = try M(decoding: bytes).jsonBytes()
        var json = ProtoJSONWriter()
        try bytes.withUnsafeBytes { try M.writeJSON(wire: $0, to: &json, limits: .default) }
        #expect(
            String(decoding: json.bytes, as: UTF8.self) == String(decoding: typed, as: UTF8.self),
            sourceLocation: sourceLocation
        )
        return json.bytes
    }
}

private enum FuzzOutcome {
    case equal, rejected, wireOnly, nulOnlyWire
}

private struct FuzzOutcomes {
    var equal = 0
    var rejected = 0
    var other = 0

    mutating func add(_ outcome: FuzzOutcome) {
        switch outcome {
        case .equal: self.equal += 1
        case .rejected: self.rejected += 1
        case .wireOnly, .nulOnlyWire: self.other += 1
        }
    }
}

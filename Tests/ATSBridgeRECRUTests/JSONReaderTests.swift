import ATSBridgeCore
import Foundation
import Testing

@testable import ATSBridgeRECRU
@testable import ATSBridgeSandbox

/// RECRU's JSON read natively: the same values as Foundation's reader, list items located
/// without parsing, and malformed or hostile input refused.
@Suite struct JSONReaderTests {
    func parse(_ text: String) throws -> Any {
        try JSONReader.parse(Array(text.utf8))
    }

    @Test func scalarsAndEscapesReadAsFoundationReadsThem() throws {
        let value = try #require(
            try self.parse(
                #"{"s": "a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "i": -42, "d": 1.5, "e": 2E3, "big": 12345678901234567890, "t": true, "f": false, "n": null, "a": [1, "x", []], "o": {}}"#
            ) as? [String: Any]
        )
        #expect(value["s"] as? String == "a\"b\\c/d\n\té😀")
        #expect(value["i"] as? Int == -42)
        #expect(value["d"] as? Double == 1.5)
        #expect(value["e"] as? Double == 2000)
        #expect(value["big"] as? Double == 12345678901234567890)
        #expect(value["t"] as? Bool == true && value["f"] as? Bool == false)
        #expect(value["n"] is NSNull)
        #expect((value["a"] as? [Any])?.count == 3)
        #expect((value["o"] as? [String: Any])?.isEmpty == true)
        #expect(try self.parse(#""\ud800x""#) as? String == "\u{FFFD}x")
    }

    @Test(arguments: [
        "", "{", #"{"a": }"#, #"{"a": 1,}"#, "[1 2]", #""unterminated"#, "\"raw\u{01}control\"", "01x", "-", "1.",
        "1e", "tru", "nul", #"{"a": 1} trailing"#, #"{a: 1}"#, #""\x""#, #""\u12""#,
        String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
    ])
    func malformedOrHostileInputIsRefused(text: String) {
        #expect(throws: JSONReader.Malformed.self) { try self.parse(text) }
    }

    @Test func aSandboxPageReadsAsFoundationReadsIt() throws {
        let sandbox = RECRUSandbox(seed: 5, size: .small)
        for method in [RECRUMethod.jobseekerList, .projectList, .applicationList, .userList] {
            let login = sandbox.handle(
                body: JSONWriter.write([
                    "jsonrpc": "2.0", "id": 1, "method": "AuthService.login",
                    "params": ["login": sandbox.configuration.login, "password": sandbox.configuration.password],
                ]),
                authorization: nil
            )
            let token = try #require(
                ((try JSONReader.parse(login.body) as? [String: Any])?["result"] as? [String: Any])?["token"] as? String
            )
            let body = sandbox.handle(
                body: JSONWriter.write([
                    "jsonrpc": "2.0", "id": 2, "method": method.rawValue, "params": ["page": 1, "limit": 50],
                ]),
                authorization: "Bearer \(token)"
            ).body
            let foundation = try JSONSerialization.jsonObject(with: Data(body))
            let native = try JSONReader.parse(body)
            // Canonical bytes (what `remote_data` stores) are the same either way.
            #expect(JSONWriter.write(native, sortedKeys: true) == JSONWriter.write(foundation, sortedKeys: true))
        }
    }

    /// The range of a JSON-RPC answer's result, nil for an error answer.
    private func resultRange(_ body: [UInt8]) throws -> Range<Int>? {
        guard case .result(let range) = try JSONReader.envelope(body) else { return nil }
        return range
    }

    @Test func aListPageIsSplitIntoItemsWithTheirIds() throws {
        let body = Array(
            #"{"jsonrpc": "2.0", "id": 1, "result": {"items": [{"id": 7, "x": {"id": 99}}, {"name": "no id"}, {"id": "s-1"}, 5], "total": 4, "page": 1}}"#
                .utf8
        )
        let page = try JSONReader.listPage(body, try #require(try self.resultRange(body), "a result envelope"))
        #expect(page.total == 4)
        #expect(page.items.map(\.id) == ["7", nil, "s-1", nil])
        #expect(String(decoding: body[page.items[0].range], as: UTF8.self) == #"{"id": 7, "x": {"id": 99}}"#)
        #expect(String(decoding: body[page.items[3].range], as: UTF8.self) == "5")
    }

    /// Keys are matched by their bytes without being made strings; an escaped key still means
    /// what it spells, and one with a bad escape is refused even where its value is skipped.
    @Test func escapedKeysAreReadAsTheKeysTheySpell() throws {
        let body = Array(
            #"{"r\u0065sult": {"it\u0065ms": [{"\u0069d": 3, "i\u0064x": 1}, {"idx": 2, "id": "b"}], "tot\u0061l": 2}}"#
                .utf8
        )
        let page = try JSONReader.listPage(body, try #require(try self.resultRange(body), "a result envelope"))
        #expect(page.total == 2)
        #expect(page.items.map(\.id) == ["3", "b"])
        for text in [
            #"{"result": [], "other": {"\x": 1}}"#, #"{"result": {"items": [{"\u12": 1}], "total": 1}}"#,
        ] {
            #expect(throws: JSONReader.Malformed.self) {
                let body = Array(text.utf8)
                guard let range = try self.resultRange(body) else { return }
                _ = try JSONReader.listPage(body, range)
            }
        }
    }

    @Test func anErrorEnvelopeIsParsedAndANullErrorIsNone() throws {
        let failed = Array(#"{"jsonrpc": "2.0", "id": 1, "error": {"code": -32029, "message": "slow down"}}"#.utf8)
        guard case .error(let error) = try JSONReader.envelope(failed) else {
            Issue.record("an error envelope")
            return
        }
        #expect(error["code"] as? Int == -32029)
        let succeeded = Array(#"{"error": null, "result": [1]}"#.utf8)
        guard case .result(let range) = try JSONReader.envelope(succeeded) else {
            Issue.record("a null error is no error")
            return
        }
        #expect(String(decoding: succeeded[range], as: UTF8.self) == "[1]")
        #expect(throws: JSONReader.Malformed.self) { try JSONReader.envelope(Array(#"{"id": 1}"#.utf8)) }
    }

    @Test func theSandboxSendsAnUnchangedRecordAsTheSameBytes() throws {
        let sandbox = RECRUSandbox(seed: 5, size: .small)
        let state = sandbox.snapshot
        let jobseeker = try #require(state.jobseekers.all.first)
        let first = JSONWriter.write(RECRUSandbox.json(jobseeker, state))
        let second = JSONWriter.write(RECRUSandbox.json(jobseeker, sandbox.snapshot))
        #expect(first == second)
        #expect(String(decoding: first, as: UTF8.self).hasPrefix(#"{"id":"#))
    }

    @Test func anObjectsKeysComeInOrderWithTheirRepeats() throws {
        let text = #"{ "b": {"a": 1, "x": [{"a": 2}]}, "a\u0062": "\"b\": ", "b" : [1, "b"], "c": null }"#
        #expect(try JSONReader.objectKeys(Array(text.utf8)) == ["b", "ab", "b", "c"])
        #expect(try JSONReader.objectKeys(Array("{}".utf8)) == [])
        for malformed in ["[1]", #"{"a": 1"#, #"{"a": 1} x"#, #"{"a" 1}"#] {
            #expect(throws: JSONReader.Malformed.self) { try JSONReader.objectKeys(Array(malformed.utf8)) }
        }
    }
}

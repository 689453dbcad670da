import ATSBridgeProto
import ATSBridgeTestSupport
import Testing

/// protobuf-c keeps strings as C strings; a NUL inside one must be refused at decode, not cut.
@Suite struct EmbeddedNULTests {
    /// `bytes` with the single `marker` byte replaced by NUL.
    private func withNUL(_ bytes: [UInt8], marker: UInt8 = UInt8(ascii: "~")) throws -> [UInt8] {
        #expect(bytes.filter { $0 == marker }.count == 1)
        return bytes.map { $0 == marker ? 0 : $0 }
    }

    private func decodeError<M: ProtoMessage>(_ type: M.Type, _ bytes: [UInt8]) -> ProtoCodecError? {
        do {
            _ = try M(decoding: bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func aNULInATopLevelStringIsRefusedNamingTheField() throws {
        let bytes = try self.withNUL(try CallOpen(method: "/a.B/C", apiKey: "reader-key~junk").encode())
        let error = self.decodeError(CallOpen.self, bytes)
        #expect(error?.code == .embeddedNUL)
        #expect(error?.field == "api_key")
        #expect(error?.messageType == "atsbridge.v1.CallOpen")
    }

    @Test func aNULInANestedStringIsRefused() throws {
        let open = CallOpen(method: "/a.B/C", metadata: [MetadataEntry(key: "k", value: "v~x")])
        let error = self.decodeError(CallOpen.self, try self.withNUL(try open.encode()))
        #expect(error?.code == .embeddedNUL)
        #expect(error?.field == "value")
    }

    @Test func aNULInARecordStringIsRefused() throws {
        var candidate = SampleRecords.candidate()
        candidate.firstName = "Ja~n"
        #expect(self.decodeError(Candidate.self, try self.withNUL(try candidate.encode()))?.code == .embeddedNUL)
    }

    @Test func zeroBytesOutsideStringsAreFine() throws {
        let ping = PingRequest(payload: [0, 1, 0])
        #expect(try PingRequest(decoding: try ping.encode()) == ping)
        let open = CallOpen(method: "/a.B/C", timeoutMs: 0, apiKey: "key")
        #expect(try CallOpen(decoding: try open.encode()) == open)
    }
}

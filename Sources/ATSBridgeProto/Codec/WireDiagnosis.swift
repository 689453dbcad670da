/// Explains why protobuf-c rejected some bytes; it only says "NULL".
///
/// Walks the top level of the wire format: a truncated or structurally broken field becomes
/// ``ProtoCodecError/Code/malformed`` with its byte offset, an absent `required` field becomes
/// ``ProtoCodecError/Code/missingRequiredField``. Runs only on the failure path.
enum WireDiagnosis {
    static func diagnose<M: CBridgedMessage>(_ bytes: UnsafeRawBufferPointer, as type: M.Type) -> ProtoCodecError {
        var seen: Set<UInt32> = []
        var offset = 0
        func malformed(_ what: String) -> ProtoCodecError {
            ProtoCodecError(code: .malformed, message: "\(what) at byte \(offset)", messageType: M.protoName)
        }
        while offset < bytes.count {
            guard let key = self.varint(bytes, &offset) else { return malformed("truncated field key") }
            let number = UInt32(truncatingIfNeeded: key >> 3)
            guard number > 0, key >> 3 <= UInt64(UInt32.max) else { return malformed("invalid field number") }
            switch key & 7 {
            case 0:
                guard self.varint(bytes, &offset) != nil else { return malformed("truncated varint") }
            case 1, 5:
                let width = key & 7 == 1 ? 8 : 4
                guard bytes.count - offset >= width else { return malformed("truncated fixed-width value") }
                offset += width
            case 2:
                guard let length = self.varint(bytes, &offset) else { return malformed("truncated length") }
                guard length <= UInt64(bytes.count - offset) else { return malformed("length past the end") }
                offset += Int(length)
            default:
                return malformed("unsupported wire type \(key & 7)")
            }
            seen.insert(number)
        }
        for field in M.requiredFields where !seen.contains(field.number) {
            return .missingField(field.name, in: M.protoName)
        }
        return ProtoCodecError(
            code: .malformed,
            message: "a field has the wrong wire type, or a nested message is malformed or misses a required field",
            messageType: M.protoName
        )
    }

    /// Reads a varint at `offset`, moving past it; nil when truncated.
    static func varint(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}

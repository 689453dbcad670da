internal import CATSBridgeProto
internal import CATSBridgeProtobufC
private import Glibc

/// Copies values out of unpacked protoc-c structs into Swift values, validating as it goes.
enum ProtoBridge {
    /// A String from a C string, rejecting invalid UTF-8 (protobuf-c does not validate it).
    static func string(_ pointer: UnsafePointer<CChar>, field: String) throws(ProtoCodecError) -> String {
        // The non-generic validating initialiser: the generic `String(validating:as:)` is not
        // specialised across the stdlib boundary and looks up metadata on every call.
        guard let string = String(validatingCString: pointer) else { throw self.invalidUTF8(field: field) }
        return string
    }

    /// The error for a string field that is not valid UTF-8.
    static func invalidUTF8(field: String) -> ProtoCodecError {
        ProtoCodecError(
            code: .invalidUTF8,
            message: "string field '\(field)' is not valid UTF-8",
            messageType: "",
            field: field
        )
    }

    /// A required string; protobuf-c guarantees it is set after a successful unpack.
    static func requiredString(_ pointer: UnsafePointer<CChar>?, field: String) throws(ProtoCodecError) -> String {
        guard let pointer else { return "" }
        return try self.string(pointer, field: field)
    }

    /// A copy of a `bytes` field.
    static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard data.len > 0, let base = data.data else { return [] }
        return Array(UnsafeBufferPointer(start: base, count: data.len))
    }

    /// Swift values for a repeated message field.
    static func messages<M: CBridgedMessage>(
        _ pointers: UnsafeMutablePointer<UnsafeMutablePointer<M.CStruct>?>?,
        count: Int,
        as type: M.Type
    ) throws(ProtoCodecError) -> [M] {
        guard let pointers else { return [] }
        var result: [M] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let element = pointers[index] else {
                throw ProtoCodecError(code: .malformed, message: "a repeated message is missing", messageType: "")
            }
            result.append(try M(c: element))
        }
        return result
    }

    /// Swift values for a repeated string field.
    static func strings(
        _ pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        count: Int,
        field: String
    ) throws(ProtoCodecError) -> [String] {
        guard let pointers else { return [] }
        var result: [String] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let element = pointers[index] else {
                throw ProtoCodecError(code: .malformed, message: "a repeated string is missing", messageType: "")
            }
            result.append(try self.string(element, field: field))
        }
        return result
    }

    /// Swift values for a repeated scalar or enum field.
    static func scalars<C, T>(_ pointer: UnsafeMutablePointer<C>?, count: Int, _ convert: (C) -> T) -> [T] {
        guard let pointer else { return [] }
        return UnsafeBufferPointer(start: pointer, count: count).map(convert)
    }
}

internal import CATSBridgeProto
internal import CATSBridgeProtobufC
private import Glibc

/// Finds string fields holding a NUL byte in bytes that protobuf-c has unpacked.
///
/// protobuf-c stores strings as C strings, so everything from a NUL on would be cut off
/// silently: an API key `key\0junk` would authenticate as `key`. The check walks the wire bytes
/// with the message's descriptor (nested messages included) and looks inside each string field.
/// It runs only when the input holds a zero byte at all.
enum EmbeddedNULCheck {
    /// The schema has no recursive messages; this only bounds a hostile descriptor walk.
    private static let maxDepth = 64

    /// Throws when a string field of the message encoded in `bytes` holds a NUL byte.
    static func check(
        _ bytes: UnsafeRawBufferPointer,
        unpacked: UnsafeRawPointer,
        messageType: String
    ) throws(ProtoCodecError) {
        guard let base = bytes.baseAddress, memchr(base, 0, bytes.count) != nil else { return }
        let descriptor = unpacked.assumingMemoryBound(to: ProtobufCMessage.self).pointee.descriptor
        guard let descriptor, let field = self.nulField(in: bytes, descriptor, depth: 0) else { return }
        throw ProtoCodecError(
            code: .embeddedNUL,
            message: "string field '\(field)' holds a NUL character",
            messageType: messageType,
            field: field
        )
    }

    /// The name of the first string field holding NUL, if any.
    private static func nulField(
        in bytes: UnsafeRawBufferPointer,
        _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        depth: Int
    ) -> String? {
        guard depth < self.maxDepth else { return nil }
        var offset = 0
        while offset < bytes.count {
            guard let key = WireDiagnosis.varint(bytes, &offset) else { return nil }
            switch key & 7 {
            case 0:
                guard WireDiagnosis.varint(bytes, &offset) != nil else { return nil }
            case 1:
                offset += 8
            case 5:
                offset += 4
            case 2:
                guard let length = WireDiagnosis.varint(bytes, &offset), length <= UInt64(bytes.count - offset) else {
                    return nil
                }
                let value = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)])
                offset += Int(length)
                // Most values hold no zero byte: skip them without looking up the field.
                guard let start = value.baseAddress, memchr(start, 0, value.count) != nil,
                    key >> 3 <= UInt64(UInt32.max),
                    let field = protobuf_c_message_descriptor_get_field(descriptor, UInt32(key >> 3))
                else { continue }
                switch field.pointee.type {
                case PROTOBUF_C_TYPE_STRING:
                    return String(cString: field.pointee.name)
                case PROTOBUF_C_TYPE_MESSAGE:
                    guard
                        let nested = field.pointee.descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                    else { continue }
                    if let name = self.nulField(in: value, nested, depth: depth + 1) { return name }
                default:
                    continue
                }
            default:
                return nil
            }
        }
        return nil
    }
}

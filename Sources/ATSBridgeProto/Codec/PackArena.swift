internal import CATSBridgeArena
internal import CATSBridgeProto
internal import CATSBridgeProtobufC
private import Glibc

/// A view of a C bump arena that builds protoc-c structs from Swift values.
///
/// Each string is copied once, into the arena, NUL-terminated, and the structs point at the
/// copies; everything is released at once when the arena's scope ends (see ``ProtoCodec``).
/// This is what makes encoding cheaper than per-field `strdup` glue.
struct PackArena {
    let raw: UnsafeMutablePointer<ATSBArena>

    /// Allocates uninitialised room for `count` values of `T` (8-byte aligned).
    func allocate<T>(_ type: T.Type, count: Int = 1) throws(ProtoCodecError) -> UnsafeMutablePointer<T> {
        guard let pointer = atsb_arena_alloc(self.raw, MemoryLayout<T>.stride * count) else {
            throw ProtoCodecError(
                code: .allocationBudgetExceeded,
                message: "out of memory while encoding",
                messageType: ""
            )
        }
        return pointer.bindMemory(to: T.self, capacity: count)
    }

    /// A NUL-terminated copy of `string`.
    func cString(_ string: String, field: String) throws(ProtoCodecError) -> UnsafeMutablePointer<CChar> {
        var string = string
        let count = string.utf8.count
        let pointer = try self.allocate(CChar.self, count: count + 1)
        let hasNUL = string.withUTF8 { utf8 -> Bool in
            guard let base = utf8.baseAddress, count > 0 else { return false }
            memcpy(pointer, base, count)
            return memchr(base, 0, count) != nil
        }
        if hasNUL {
            throw ProtoCodecError(
                code: .unencodable,
                message: "string field '\(field)' holds a NUL character",
                messageType: "",
                field: field
            )
        }
        pointer[count] = 0
        return pointer
    }

    /// An arena copy of `bytes`.
    func binary(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty, let pointer = try? self.allocate(UInt8.self, count: bytes.count) else {
            return ProtobufCBinaryData(len: 0, data: nil)
        }
        bytes.withUnsafeBufferPointer { source in
            _ = memcpy(pointer, source.baseAddress!, bytes.count)
        }
        return ProtobufCBinaryData(len: bytes.count, data: pointer)
    }

    /// A filled struct for `message`.
    func message<M: CBridgedMessage>(_ message: M) throws(ProtoCodecError) -> UnsafeMutablePointer<M.CStruct> {
        let pointer = try self.allocate(M.CStruct.self)
        M.cInit(pointer)
        try message.fill(pointer, self)
        return pointer
    }

    /// An array of pointers to filled structs, one per message, the structs laid out together.
    func messages<M: CBridgedMessage>(
        _ messages: [M]
    ) throws(ProtoCodecError) -> UnsafeMutablePointer<UnsafeMutablePointer<M.CStruct>?> {
        let pointers = try self.allocate(UnsafeMutablePointer<M.CStruct>?.self, count: messages.count)
        let structs = try self.allocate(M.CStruct.self, count: messages.count)
        for index in messages.indices {
            let element = structs + index
            M.cInit(element)
            try messages[index].fill(element, self)
            (pointers + index).initialize(to: element)
        }
        return pointers
    }

    /// An array of NUL-terminated copies of `strings`.
    func strings(
        _ strings: [String],
        field: String
    ) throws(ProtoCodecError) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let pointers = try self.allocate(UnsafeMutablePointer<CChar>?.self, count: strings.count)
        for index in strings.indices {
            (pointers + index).initialize(to: try self.cString(strings[index], field: field))
        }
        return pointers
    }

    /// An arena copy of trivially copyable `values`.
    func scalars<T: BitwiseCopyable>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard let pointer = try? self.allocate(T.self, count: values.count) else { return nil }
        values.withUnsafeBufferPointer { source in
            pointer.initialize(from: source.baseAddress!, count: values.count)
        }
        return pointer
    }

    /// An arena array of C enum values converted from Swift enum values.
    func enums<E, C>(_ values: [E], _ convert: (E) -> C) -> UnsafeMutablePointer<C>? {
        guard let pointer = try? self.allocate(C.self, count: values.count) else { return nil }
        for index in values.indices {
            (pointer + index).initialize(to: convert(values[index]))
        }
        return pointer
    }
}

/// A checked cursor over one message's protobuf wire bytes, for the generated wire-to-JSON
/// transcoders (`writeJSON(wire:to:limits:)`).
///
/// Every step checks the untrusted bytes and throws ``ProtoCodecError/Code/malformed`` instead
/// of reading past the end. It mirrors protobuf-c's acceptance rules (keys of at most 5 bytes,
/// varints of at most 10, lengths of at most 5 and within the input, wire types 0, 1, 2 and 5
/// only; unknown fields skipped), so that the transcoder accepts what the typed decode accepts.
struct WireReader {
    private let base: UnsafeRawPointer?
    private let count: Int
    private var position = 0
    /// The full name of the message being read, for errors.
    let type: StaticString

    /// Reads `bytes` as a message of `type`.
    init(_ bytes: UnsafeRawBufferPointer, type: StaticString) {
        self.base = bytes.baseAddress
        self.count = bytes.count
        self.type = type
    }

    /// Bytes not read yet.
    var remaining: Int { self.count - self.position }

    /// A field's key.
    struct Key {
        /// The field number.
        var number: UInt32
        /// The wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
        var wireType: UInt8
    }

    /// The next key, or nil at the end of the bytes.
    mutating func nextKey() throws(ProtoCodecError) -> Key? {
        guard self.position < self.count, let base = self.base else { return nil }
        // protobuf-c refuses field number 0 only when the key's first byte says so; a longer
        // key that works out to 0 reads as field 0, which no message has, so it is skipped.
        guard base.load(fromByteOffset: self.position, as: UInt8.self) & 0xF8 != 0 else {
            throw self.malformed("invalid field number 0")
        }
        // protobuf-c reads a key of at most 5 bytes.
        guard let value = self.rawVarint(maxBytes: 5) else { throw self.malformed("truncated field key") }
        let wireType = UInt8(value & 7)
        guard wireType == 0 || wireType == 1 || wireType == 2 || wireType == 5 else {
            throw self.malformed("unsupported wire type \(wireType)")
        }
        return Key(number: UInt32(truncatingIfNeeded: value >> 3), wireType: wireType)
    }

    /// A varint value (at most 10 bytes; bits past 64 are dropped, as protobuf-c does).
    mutating func varint() throws(ProtoCodecError) -> UInt64 {
        guard let value = self.rawVarint(maxBytes: 10) else { throw self.malformed("truncated varint") }
        return value
    }

    /// A varint of at most `maxBytes` bytes, nil when it does not end within them or the input.
    private mutating func rawVarint(maxBytes: Int) -> UInt64? {
        guard let base = self.base else { return nil }
        var value: UInt64 = 0
        var shift: UInt64 = 0
        let limit = min(self.count, self.position + maxBytes)
        while self.position < limit {
            let byte = base.load(fromByteOffset: self.position, as: UInt8.self)
            self.position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    /// A varint read as protobuf-c reads a bool: true when any of its bits is set.
    mutating func varintBool() throws(ProtoCodecError) -> UInt64 {
        let start = self.position
        _ = try self.varint()
        var any: UInt8 = 0
        for offset in start..<self.position { any |= self.base!.load(fromByteOffset: offset, as: UInt8.self) & 0x7F }
        return any == 0 ? 0 : 1
    }

    /// A little-endian fixed-width value of 4 or 8 bytes.
    mutating func fixed(_ width: Int) throws(ProtoCodecError) -> UInt64 {
        guard self.count - self.position >= width, let base = self.base else {
            throw self.malformed("truncated fixed-width value")
        }
        var value: UInt64 = 0
        for index in 0..<width {
            value |= UInt64(base.load(fromByteOffset: self.position + index, as: UInt8.self)) << (8 * UInt64(index))
        }
        self.position += width
        return value
    }

    /// A length-delimited value's bytes (the length is at most 5 bytes and 32 bits).
    mutating func lengthDelimited() throws(ProtoCodecError) -> UnsafeRawBufferPointer {
        guard let value = self.rawVarint(maxBytes: 5), let base = self.base else {
            throw self.malformed("truncated length")
        }
        let length = Int(UInt32(truncatingIfNeeded: value))
        guard length <= self.count - self.position else { throw self.malformed("length past the end") }
        defer { self.position += length }
        return UnsafeRawBufferPointer(start: base + self.position, count: length)
    }

    /// Skips the value of a field this message does not know.
    mutating func skip(_ key: Key) throws(ProtoCodecError) {
        switch key.wireType {
        case 0: _ = try self.varint()
        case 1: _ = try self.fixed(8)
        case 5: _ = try self.fixed(4)
        default: _ = try self.lengthDelimited()
        }
    }

    /// Reads a field's value into `slot` after checking its wire type.
    ///
    /// `wireType` is the field's expected wire type. `packed` allows a length-delimited run of
    /// values too (repeated scalars, which protobuf-c accepts packed or not). `bool` reads a
    /// varint as protobuf-c reads a bool.
    mutating func record(
        _ key: Key,
        into slot: inout WireSlot,
        wireType: UInt8,
        packed: Bool = false,
        bool: Bool = false,
        field: StaticString
    ) throws(ProtoCodecError) {
        if packed, key.wireType == 2 {
            let run = try self.lengthDelimited()
            try Self.checkPacked(run, wireType: wireType, type: self.type, field: field)
            slot.count += 1
            return
        }
        guard key.wireType == wireType else {
            throw ProtoCodecError(
                code: .malformed,
                message: "field '\(field)' has wire type \(key.wireType), expected \(wireType)",
                messageType: "\(self.type)",
                field: "\(field)"
            )
        }
        switch wireType {
        case 0: slot.value = bool ? try self.varintBool() : try self.varint()
        case 1: slot.value = try self.fixed(8)
        case 5: slot.value = try self.fixed(4)
        default: slot.bytes = try self.lengthDelimited()
        }
        slot.count += 1
    }

    /// Checks a packed run of scalars: whole fixed-width values, or varints that all end.
    static func checkPacked(
        _ run: UnsafeRawBufferPointer,
        wireType: UInt8,
        type: StaticString,
        field: StaticString
    ) throws(ProtoCodecError) {
        let ok: Bool
        switch wireType {
        case 1: ok = run.count % 8 == 0
        case 5: ok = run.count % 4 == 0
        default: ok = run.last.map { $0 < 0x80 } ?? true
        }
        guard ok else {
            throw ProtoCodecError(
                code: .malformed,
                message: "packed field '\(field)' holds a truncated value",
                messageType: "\(type)",
                field: "\(field)"
            )
        }
    }

    func malformed(_ what: String) -> ProtoCodecError {
        ProtoCodecError(code: .malformed, message: "\(what) at byte \(self.position)", messageType: "\(self.type)")
    }
}

/// What the first pass of a transcoder knows about one field: how often it occurred and its
/// last value (the one proto2 keeps for a non-repeated scalar).
struct WireSlot {
    /// Occurrences (packed runs count once).
    var count = 0
    /// The last varint or fixed-width value.
    var value: UInt64 = 0
    /// The last length-delimited value.
    var bytes = UnsafeRawBufferPointer(start: nil, count: 0)

    /// An empty slot.
    init() {}
}

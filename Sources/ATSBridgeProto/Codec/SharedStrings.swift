internal import CATSBridgeArena
private import Glibc

/// The strings a decode makes once and shares between every value that repeats them: the ids and
/// names by which records refer to other records (nested job, stage and tag summaries, hiring
/// team members, `job_id`, `tag_id` and the like).
///
/// A page of 500 candidates names the same few jobs, stages and tags hundreds of times. Each Swift
/// string over 15 UTF-8 bytes is a heap block of its own: allocated, checked as UTF-8, copied, and
/// freed again with the page. A string found here costs a hash, a compare and a retain instead,
/// and the decoded page holds one copy of it.
///
/// The table is direct-mapped (a new string takes its slot from the one before) and lives for
/// one decode, on the decoding thread: a decode of a large message sets it for the calling thread
/// (``during(inputBytes:_:)``), and the generated decoders of reference fields look it up
/// (``string(_:field:)``). Without a table they make strings as every other field does.
final class SharedStrings {
    private struct Slot {
        var hash: UInt64
        var string: String?
    }

    /// Strings up to this many UTF-8 bytes are stored inline in a Swift `String`: sharing them
    /// saves no allocation.
    private static let inlineBytes = 15
    /// Longer strings are rarely repeated references, and hashing them costs more.
    private static let maxBytes = 128
    /// Messages smaller than this decode without a table: they hold too few values to repeat any.
    static let minInputBytes = 4_096

    private let slots: UnsafeMutablePointer<Slot>
    private let count: Int
    /// A slot is the hash's top bits: a multiply carries every input bit upwards only, so the
    /// low bits would ignore the last bytes of a string (`team 1` and `team 2` would collide).
    private let shift: UInt64

    private init(inputBytes: Int) {
        // About one slot per 128 bytes of input (a nested candidate is ~750 bytes and names 5
        // to 9 referenced strings), from 16 to 4,096 slots (96 KiB): a page's distinct
        // references fill a tenth of its slots or less, so few evict each other.
        var count = 16
        var bits: UInt64 = 4
        while count < 4_096, count * 128 < inputBytes {
            count <<= 1
            bits += 1
        }
        self.count = count
        self.shift = 64 - bits
        self.slots = .allocate(capacity: count)
        self.slots.initialize(repeating: Slot(hash: 0, string: nil), count: count)
    }

    deinit {
        self.slots.deinitialize(count: self.count)
        self.slots.deallocate()
    }

    /// Runs `body` (a decode of `inputBytes` of wire data) with a table for the calling thread
    /// when the input is large enough to repeat strings, and restores the thread's previous table.
    @inline(__always)
    static func during<R, E: Error>(inputBytes: Int, _ body: () throws(E) -> R) throws(E) -> R {
        guard inputBytes >= Self.minInputBytes else { return try body() }
        let table = SharedStrings(inputBytes: inputBytes)
        let previous = atsb_shared_strings_exchange(Unmanaged.passUnretained(table).toOpaque())
        defer {
            atsb_shared_strings_exchange(previous)
            withExtendedLifetime(table) {}
        }
        return try body()
    }

    /// Whether a decode's table is set on the calling thread.
    static var isActiveOnThisThread: Bool { atsb_shared_strings_current() != nil }

    /// The string at `pointer`: the table's copy when this decode has made it before.
    ///
    /// - Throws: ``ProtoCodecError`` with code `invalidUTF8`, as ``ProtoBridge/string(_:field:)``.
    static func string(_ pointer: UnsafePointer<CChar>, field: String) throws(ProtoCodecError) -> String {
        guard let table = atsb_shared_strings_current() else { return try ProtoBridge.string(pointer, field: field) }
        // The decode that set the table holds it: no retain and release per string.
        let string = Unmanaged<SharedStrings>.fromOpaque(table)._withUnsafeGuaranteedRef { $0.string(pointer) }
        guard let string else { throw ProtoBridge.invalidUTF8(field: field) }
        return string
    }

    /// A required string; protobuf-c guarantees it is set after a successful unpack.
    static func requiredString(_ pointer: UnsafePointer<CChar>?, field: String) throws(ProtoCodecError) -> String {
        guard let pointer else { return "" }
        return try self.string(pointer, field: field)
    }

    /// The string at `pointer`, or `nil` when it is not valid UTF-8.
    private func string(_ pointer: UnsafePointer<CChar>) -> String? {
        let length = strlen(pointer)
        guard length > Self.inlineBytes, length <= Self.maxBytes else { return String(validatingCString: pointer) }
        let bytes = UnsafeRawPointer(pointer)
        let hash = Self.hash(bytes, length: length)
        let slot = self.slots + Int(truncatingIfNeeded: hash >> self.shift)
        if slot.pointee.hash == hash, let cached = slot.pointee.string, Self.equal(cached, bytes, length: length) {
            return cached
        }
        guard let made = String(validatingCString: pointer) else { return nil }
        slot.pointee = Slot(hash: hash, string: made)
        return made
    }

    /// Whether `string` holds exactly the `length` bytes at `bytes`.
    @inline(__always)
    private static func equal(_ string: String, _ bytes: UnsafeRawPointer, length: Int) -> Bool {
        guard string.utf8.count == length else { return false }
        // Strings made by the decoder are native and contiguous.
        return string.utf8.withContiguousStorageIfAvailable { memcmp($0.baseAddress!, bytes, length) == 0 } ?? false
    }

    /// A 64-bit hash of 16 to 128 bytes, a word at a time (the last word overlapping the one
    /// before when the length is not a multiple of 8).
    @inline(__always)
    private static func hash(_ bytes: UnsafeRawPointer, length: Int) -> UInt64 {
        var hash = UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15
        var offset = 0
        while offset + 8 < length {
            hash = Self.mix(hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        return Self.mix(hash ^ bytes.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self))
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        let mixed = value &* 0xFF51_AFD7_ED55_8CCD
        return mixed ^ (mixed >> 29)
    }
}

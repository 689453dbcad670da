internal import CATSBridgeArena
internal import CATSBridgeProto
internal import CATSBridgeProtobufC
private import Glibc

/// Encodes and decodes generated messages through the protoc-c codecs, using a bounded arena.
enum ProtoCodec {
    /// Stack scratch that holds the arena header and its first region, so that encoding or
    /// decoding a typical record never calls malloc.
    private static let scratchBytes = 4096

    /// Inputs at least this large decode into a reused per-thread heap region instead.
    private static let largeInputBytes = 2048

    /// Runs `body` with a fresh arena whose first region lives on the stack, or, for a large
    /// input, in the thread's reused heap region (sized at 4× the input). Everything the arena
    /// allocated is released when `body` returns.
    private static func withArena<R>(
        budget: Int,
        inputBytes: Int = 0,
        _ body: (PackArena) throws(ProtoCodecError) -> R
    ) throws(ProtoCodecError) -> R {
        let result: Result<R, ProtoCodecError> = withUnsafeTemporaryAllocation(
            byteCount: self.scratchBytes,
            alignment: 16
        ) { scratch in
            let header = scratch.baseAddress!.bindMemory(to: ATSBArena.self, capacity: 1)
            let headerBytes = (MemoryLayout<ATSBArena>.stride + 15) & ~15
            var regionSize = 0
            var region: UnsafeMutableRawPointer?
            if inputBytes >= self.largeInputBytes {
                region = atsb_region_take(min(inputBytes, budget / 4) * 4, &regionSize)
            }
            if let region {
                atsb_arena_init(header, region, regionSize, budget)
            } else {
                atsb_arena_init(header, scratch.baseAddress! + headerBytes, self.scratchBytes - headerBytes, budget)
            }
            defer {
                atsb_arena_destroy(header)
                atsb_region_give(region, regionSize)
            }
            return Result { () throws(ProtoCodecError) -> R in try body(PackArena(raw: header)) }
        }
        return try result.get()
    }

    /// The encoded bytes of `message`.
    static func encode<M: CBridgedMessage>(_ message: M) throws(ProtoCodecError) -> [UInt8] {
        try self.withArena(budget: Int.max) { arena throws(ProtoCodecError) in
            let c = try self.filled(message, arena)
            let size = M.cPackedSize(c)
            // An empty message is `[]`: `Array(unsafeUninitializedCapacity: 0)` stores its count
            // into the shared empty-array singleton, a (benign) race ThreadSanitizer reports.
            guard size > 0 else { return [] }
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                initialized = M.cPack(c, buffer.baseAddress!)
            }
        }
    }

    /// Appends the encoded bytes of `message` to `buffer`.
    static func encode<M: CBridgedMessage>(_ message: M, appendingTo buffer: inout [UInt8]) throws(ProtoCodecError) {
        try self.withArena(budget: Int.max) { arena throws(ProtoCodecError) in
            let c = try self.filled(message, arena)
            let size = M.cPackedSize(c)
            guard size > 0 else { return }
            let out = try arena.allocate(UInt8.self, count: size)
            let written = M.cPack(c, out)
            buffer.append(contentsOf: UnsafeBufferPointer(start: out, count: written))
        }
    }

    private static func filled<M: CBridgedMessage>(
        _ message: M,
        _ arena: PackArena
    ) throws(ProtoCodecError) -> UnsafeMutablePointer<M.CStruct> {
        do throws(ProtoCodecError) {
            return try arena.message(message)
        } catch {
            throw self.attributed(error, to: M.self)
        }
    }

    /// Decodes untrusted bytes into `M` within `limits`.
    static func decode<M: CBridgedMessage>(
        _ type: M.Type,
        from bytes: UnsafeRawBufferPointer,
        limits: DecodingLimits
    ) throws(ProtoCodecError) -> M {
        guard bytes.count <= limits.maxBytes else {
            throw ProtoCodecError(
                code: .tooLarge,
                message: "\(bytes.count) bytes exceed the limit of \(limits.maxBytes)",
                messageType: M.protoName
            )
        }
        return try self.withArena(budget: limits.allocationBudget(forInputBytes: bytes.count), inputBytes: bytes.count)
        {
            arena throws(ProtoCodecError) in
            var allocator = atsb_arena_allocator(arena.raw)
            let unpacked = withUnsafePointer(to: 0 as UInt8) { empty in
                let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? empty
                return M.cUnpack(&allocator, bytes.count, base)
            }
            guard let unpacked else {
                if arena.raw.pointee.exhausted != 0 {
                    throw ProtoCodecError(
                        code: .allocationBudgetExceeded,
                        message: "decoding \(bytes.count) bytes needs more than the allocation budget of "
                            + "\(limits.allocationBudget(forInputBytes: bytes.count)) bytes",
                        messageType: M.protoName
                    )
                }
                throw WireDiagnosis.diagnose(bytes, as: M.self)
            }
            do throws(ProtoCodecError) {
                try EmbeddedNULCheck.check(bytes, unpacked: UnsafeRawPointer(unpacked), messageType: M.protoName)
                return try SharedStrings.during(inputBytes: bytes.count) { () throws(ProtoCodecError) in
                    try M(c: unpacked)
                }
            } catch {
                throw self.attributed(error, to: M.self)
            }
        }
    }

    /// Names the top-level message in errors raised by shared helpers that do not know it.
    private static func attributed<M: CBridgedMessage>(_ error: ProtoCodecError, to type: M.Type) -> ProtoCodecError {
        var error = error
        if error.messageType.isEmpty {
            error.messageType = M.protoName
        }
        return error
    }
}

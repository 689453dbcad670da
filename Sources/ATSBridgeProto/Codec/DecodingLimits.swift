/// Bounds on decoding one message from untrusted bytes.
///
/// protobuf-c allocates a C struct for every sub-message it parses, so a small input can ask for
/// far more memory than its own size (a 2-byte empty sub-message costs a whole struct). The
/// decoder therefore gives each decode an allocation budget proportional to the input, and
/// fails with ``ProtoCodecError/Code/allocationBudgetExceeded`` when it is spent.
public struct DecodingLimits: Sendable, Hashable {
    /// The largest input accepted, in bytes. Defaults to 4 MiB, the RPC protocol's default
    /// maximum message size.
    public var maxBytes: Int = 4 << 20

    /// Bytes of C memory the decoder may allocate per input byte. Defaults to `16`, which
    /// typical messages use less than a quarter of.
    public var allocationBytesPerInputByte: Int = 16

    /// Bytes of C memory the decoder may allocate on top, for small inputs. Defaults to 64 KiB.
    public var baseAllocationBytes: Int = 64 << 10

    /// Creates limits with every default.
    public init() {}

    /// The default limits.
    public static var `default`: Self { .init() }

    /// The allocation budget for an input of `count` bytes, saturating instead of overflowing.
    func allocationBudget(forInputBytes count: Int) -> Int {
        let (scaled, overflow) = count.multipliedReportingOverflow(by: max(0, self.allocationBytesPerInputByte))
        if overflow { return Int.max }
        let (total, overflow2) = scaled.addingReportingOverflow(max(0, self.baseAllocationBytes))
        return overflow2 ? Int.max : total
    }
}

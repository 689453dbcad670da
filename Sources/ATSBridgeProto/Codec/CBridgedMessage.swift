internal import CATSBridgeProto
internal import CATSBridgeProtobufC

/// The bridge between a generated Swift message and its protoc-c struct.
///
/// Internal on purpose: C types never reach a public signature. Generated code conforms every
/// message; ``ProtoCodec`` drives the conversion.
protocol CBridgedMessage: ProtoMessage {
    /// The protoc-c struct, e.g. `Atsbridge__V1__Candidate`.
    associatedtype CStruct

    /// Field numbers and names of the `required` fields, for error diagnosis.
    static var requiredFields: [(number: UInt32, name: String)] { get }

    /// Initialises a struct to its defaults (the generated `__init`).
    static func cInit(_ c: UnsafeMutablePointer<CStruct>)

    /// Parses bytes into a struct tree allocated from `allocator`; nil on any error.
    static func cUnpack(
        _ allocator: UnsafeMutablePointer<ProtobufCAllocator>,
        _ count: Int,
        _ bytes: UnsafePointer<UInt8>
    ) -> UnsafeMutablePointer<CStruct>?

    /// The encoded size of a filled struct.
    static func cPackedSize(_ c: UnsafePointer<CStruct>) -> Int

    /// Packs a filled struct into `out`, which holds at least ``cPackedSize(_:)`` bytes.
    static func cPack(_ c: UnsafePointer<CStruct>, _ out: UnsafeMutablePointer<UInt8>) -> Int

    /// Points an initialised struct at copies of this value's fields, allocated in `arena`.
    func fill(_ c: UnsafeMutablePointer<CStruct>, _ arena: PackArena) throws(ProtoCodecError)

    /// Copies a successfully unpacked struct into a Swift value.
    init(c: UnsafePointer<CStruct>) throws(ProtoCodecError)
}

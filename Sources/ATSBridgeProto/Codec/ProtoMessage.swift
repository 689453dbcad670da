/// A message of the ATSBridge schema (`proto/atsbridge/v1`), as a Swift value.
///
/// Every message type is generated from the `.proto` files by `scripts/generate-proto.sh`. Values
/// are encoded and decoded by the protoc-c codecs; no C type appears in this API.
///
/// Presence survives a round trip: an optional field that is `nil` stays absent, and one that
/// is empty (`""`, `[]`) stays present and empty.
public protocol ProtoMessage: Sendable, Hashable {
    /// The message's full protobuf name, such as `atsbridge.v1.Candidate`.
    static var protoName: String { get }

    /// Creates a message with every field absent or empty.
    init()

    /// Encodes the message in the protobuf wire format.
    ///
    /// - Throws: ``ProtoCodecError`` with code ``ProtoCodecError/Code/unencodable`` when a
    ///   string holds a NUL character, which the C codec cannot represent.
    func encode() throws(ProtoCodecError) -> [UInt8]

    /// Appends the message in the protobuf wire format to `buffer`.
    func encode(appendingTo buffer: inout [UInt8]) throws(ProtoCodecError)

    /// Decodes a message from untrusted bytes.
    ///
    /// - Parameters:
    ///   - bytes: The encoded message.
    ///   - limits: The byte limit and allocation budget. Defaults to ``DecodingLimits/default``.
    /// - Throws: ``ProtoCodecError`` when the bytes are too large, malformed, miss a required
    ///   field, hold invalid UTF-8, or would allocate more than the budget allows.
    init(decoding bytes: UnsafeRawBufferPointer, limits: DecodingLimits) throws(ProtoCodecError)
}

extension ProtoMessage {
    /// Decodes a message from untrusted bytes.
    ///
    /// - Parameters:
    ///   - bytes: The encoded message.
    ///   - limits: The byte limit and allocation budget. Defaults to ``DecodingLimits/default``.
    /// - Throws: ``ProtoCodecError``, as ``init(decoding:limits:)`` does.
    public init(decoding bytes: [UInt8], limits: DecodingLimits = .default) throws(ProtoCodecError) {
        let result: Result<Self, ProtoCodecError> = bytes.withUnsafeBytes { raw in
            Result { () throws(ProtoCodecError) -> Self in try Self(decoding: raw, limits: limits) }
        }
        self = try result.get()
    }
}

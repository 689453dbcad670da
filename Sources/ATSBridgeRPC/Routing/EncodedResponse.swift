public import ATSBridgeCore

/// A unary response already encoded, such as a page of stored records, with the read memory
/// its bytes hold until they are written.
public struct EncodedResponse: Sendable {
    /// A valid encoding of the method's response message; it is sent as it is.
    public var bytes: [UInt8]
    /// The read memory the bytes hold (a page's ``RecordPage/memory``), if any.
    public var memory: ReadMemoryCharge?

    /// A response of `bytes`, holding `memory` until they are written.
    public init(_ bytes: [UInt8], holding memory: ReadMemoryCharge? = nil) {
        self.bytes = bytes
        self.memory = memory
    }
}

/// The 8 bytes each side sends first: "ATSBRPC" and the protocol version (docs/protocol.md §1.1).
package enum ConnectionPreface {
    /// The protocol version this build speaks.
    package static let version: UInt8 = 1

    /// The preface bytes.
    package static let bytes: [UInt8] = Array("ATSBRPC".utf8) + [version]
}

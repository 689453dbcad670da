package import ATSBridgeProto

/// A breach of the protocol that ends the connection (docs/protocol.md §4): the detecting side
/// sends GOAWAY with `code` and `message`, then closes.
package struct ProtocolViolation: Error, Hashable, Sendable, CustomStringConvertible {
    package var code: StatusCode
    package var message: String
    /// Whether to close without a GOAWAY (a peer that never spoke the protocol).
    package var silent: Bool
    /// Whether the peer's first bytes are not the preface: it is another kind of server or client.
    package var wrongPeer: Bool

    package init(_ code: StatusCode, _ message: String, silent: Bool = false, wrongPeer: Bool = false) {
        self.code = code
        self.message = message
        self.silent = silent
        self.wrongPeer = wrongPeer
    }

    package var description: String { "protocol violation (\(self.code)): \(self.message)" }
}

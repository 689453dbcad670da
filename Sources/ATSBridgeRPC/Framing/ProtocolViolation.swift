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
    /// The limit the peer went over, counted in `atsbridge_rpc_limit_hits_total` by the receiver.
    package var limit: RPCLimit?

    package init(
        _ code: StatusCode,
        _ message: String,
        silent: Bool = false,
        wrongPeer: Bool = false,
        limit: RPCLimit? = nil
    ) {
        self.code = code
        self.message = message
        self.silent = silent
        self.wrongPeer = wrongPeer
        self.limit = limit
    }

    package var description: String { "protocol violation (\(self.code)): \(self.message)" }
}

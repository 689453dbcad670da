package import ATSBridgeProto

/// What the peer announced in its SETTINGS (docs/protocol.md §1.2): the limits this side must
/// respect when sending. An absent field keeps its default.
package struct PeerSettings: Hashable, Sendable {
    /// The largest frame payload the peer accepts.
    package var maxFrameSize: Int
    /// The largest message the peer accepts.
    package var maxMessageSize: Int
    /// MESSAGE frames that may be sent on a new stream before the peer grants credit.
    package var initialCredit: Int
    /// The most calls the peer lets open at once (`Int.max`: no limit announced).
    package var maxConcurrentStreams: Int

    /// Settings with the protocol's defaults for the peer's role.
    package init(maxFrameSize: Int, maxMessageSize: Int, initialCredit: Int, maxConcurrentStreams: Int) {
        self.maxFrameSize = maxFrameSize
        self.maxMessageSize = maxMessageSize
        self.initialCredit = initialCredit
        self.maxConcurrentStreams = maxConcurrentStreams
    }

    /// The defaults of a client peer (what a server assumes before, or without, its SETTINGS).
    package static var clientDefaults: Self { .defaults(initialCredit: 32) }

    /// The defaults of a server peer.
    package static var serverDefaults: Self { .defaults(initialCredit: 1) }

    /// The protocol's defaults (§1.2), with no stream limit announced.
    private static func defaults(initialCredit: Int) -> Self {
        let limits = ConnectionLimits()
        return Self(
            maxFrameSize: limits.maxFrameSize,
            maxMessageSize: limits.maxMessageSize,
            initialCredit: initialCredit,
            maxConcurrentStreams: .max
        )
    }

    /// The largest message that may be sent: within both the peer's message and frame limits.
    package var maxOutboundMessageSize: Int { min(self.maxMessageSize, self.maxFrameSize) }

    /// Takes the fields `settings` carries.
    package mutating func apply(_ settings: Settings) {
        if let value = settings.maxFrameSize { self.maxFrameSize = Int(value) }
        if let value = settings.maxMessageSize { self.maxMessageSize = Int(value) }
        if let value = settings.initialCredit { self.initialCredit = Int(value) }
        if let value = settings.maxConcurrentStreams { self.maxConcurrentStreams = Int(value) }
    }
}

/// The type byte of a frame (docs/protocol.md §2.2). Unknown values are representable, because
/// the protocol says what to do with them.
package struct FrameType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: UInt8

    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    package static let settings = Self(rawValue: 0x0)
    package static let callOpen = Self(rawValue: 0x1)
    package static let message = Self(rawValue: 0x2)
    package static let status = Self(rawValue: 0x3)
    package static let cancel = Self(rawValue: 0x4)
    package static let credit = Self(rawValue: 0x5)
    package static let ping = Self(rawValue: 0x6)
    package static let goAway = Self(rawValue: 0x7)

    /// Whether this build knows the type.
    package var isKnown: Bool { self.rawValue <= 0x7 }

    package var description: String {
        switch self {
        case .settings: "SETTINGS"
        case .callOpen: "CALL_OPEN"
        case .message: "MESSAGE"
        case .status: "STATUS"
        case .cancel: "CANCEL"
        case .credit: "CREDIT"
        case .ping: "PING"
        case .goAway: "GOAWAY"
        default: "UNKNOWN(\(self.rawValue))"
        }
    }
}

/// Flag bits of a frame.
package struct FrameFlags: OptionSet, Hashable, Sendable {
    package var rawValue: UInt8

    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// On MESSAGE: the sender sends no more messages on the stream.
    package static let endStream = Self(rawValue: 0x1)
    /// On PING: this is the answer.
    package static let ack = Self(rawValue: 0x1)
}

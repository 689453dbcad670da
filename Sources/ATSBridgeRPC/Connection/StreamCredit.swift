package import NIOCore

/// A stream's message credit in one direction (docs/protocol.md §2.8, §3.3): the receiver's
/// initial credit plus its CREDIT grants, minus the MESSAGE frames sent. The sender may hold at
/// most 2^31−1; the same rules apply on both sides.
package struct StreamCredit: Hashable, Sendable {
    /// The most credit a stream may hold: 2^31−1.
    package static let maximum = Int(Int32.max)

    /// The MESSAGE frames that may still be sent.
    package private(set) var available: Int

    /// A stream starting with `initial` credit (clamped to ``maximum``).
    package init(initial: Int) {
        self.available = min(max(0, initial), Self.maximum)
    }

    /// The count of a CREDIT frame's payload (a u32), or `nil` when the payload is not 4 bytes.
    package static func count(of payload: ByteBuffer) -> UInt32? {
        guard payload.readableBytes == 4 else { return nil }
        return payload.getInteger(at: payload.readerIndex, as: UInt32.self)
    }

    /// Adds a grant.
    ///
    /// - Returns: `false`, leaving the credit unchanged, when `count` is 0 or the credit would
    ///   exceed ``maximum`` (a connection error).
    package mutating func grant(_ count: UInt32) -> Bool {
        guard count > 0, Int(count) <= Self.maximum - self.available else { return false }
        self.available += Int(count)
        return true
    }

    /// Uses one unit for a MESSAGE.
    ///
    /// - Returns: `false` when no credit was left (a MESSAGE without credit: a connection error).
    package mutating func consume() -> Bool {
        guard self.available > 0 else { return false }
        self.available -= 1
        return true
    }
}

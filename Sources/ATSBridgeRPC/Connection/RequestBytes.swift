import Synchronization

/// A call's request message, handed to its handler once: decoding takes the bytes out, so that
/// they are freed while a long call runs, not when it ends.
package final class RequestBytes: Sendable {
    private let bytes: Mutex<[UInt8]>

    /// The request message `bytes`.
    package init(_ bytes: [UInt8]) {
        self.bytes = Mutex(bytes)
    }

    /// The bytes; empty once taken.
    package func take() -> [UInt8] {
        self.bytes.withLock { bytes in
            defer { bytes = [] }
            return bytes
        }
    }
}

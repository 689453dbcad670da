public import Foundation
import Synchronization

/// Output collected from a pipe, until its end.
public final class OutputBuffer: Sendable {
    private let data = Mutex((bytes: Data(), ended: false))

    /// An empty buffer.
    public init() {}

    /// Reads the pipe on a thread of its own until its end (an empty read).
    public func read(_ handle: FileHandle) {
        let thread = Thread {
            while true {
                let more = handle.availableData
                self.data.withLock {
                    $0.bytes.append(more)
                    if more.isEmpty { $0.ended = true }
                }
                if more.isEmpty { return }
            }
        }
        thread.start()
    }

    /// Whether the pipe's end was read.
    public var ended: Bool { self.data.withLock { $0.ended } }

    /// The bytes so far.
    public var bytes: Data { self.data.withLock { $0.bytes } }

    /// The bytes so far, as UTF-8 text.
    public var text: String { String(decoding: self.bytes, as: UTF8.self) }
}

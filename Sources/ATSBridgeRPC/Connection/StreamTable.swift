/// The streams of one connection as the protocol sees them (docs/protocol.md §2.4, §4): the open
/// ones with their state, and the highest id ever used, which tells a stream that closed (its
/// late frames are ignored) from one that was never opened (a connection error). Both sides use
/// it.
package struct StreamTable<Stream> {
    /// Where a stream id stands.
    package enum Lookup: Hashable, Sendable {
        /// The stream is open.
        case open
        /// The stream was opened and has closed since.
        case closed
        /// The id was never used.
        case neverOpened
    }

    private var streams: [UInt32: Stream] = [:]

    /// The highest stream id used on the connection, `0` before the first.
    package private(set) var highestID: UInt32 = 0

    /// Creates an empty table.
    package init() {}

    /// The number of open streams.
    package var count: Int { self.streams.count }

    /// Whether no stream is open.
    package var isEmpty: Bool { self.streams.isEmpty }

    /// The ids of the open streams.
    package var openIDs: [UInt32] { Array(self.streams.keys) }

    /// The state of an open stream.
    package subscript(id: UInt32) -> Stream? { self.streams[id] }

    /// Where `id` stands.
    package func lookup(_ id: UInt32) -> Lookup {
        if self.streams[id] != nil { return .open }
        return id != 0 && id <= self.highestID ? .closed : .neverOpened
    }

    /// Records `id` as used; ids must strictly increase (§2.4).
    ///
    /// - Returns: `false` when `id` is 0 or not above every id used before.
    package mutating func claim(_ id: UInt32) -> Bool {
        guard id != 0, id > self.highestID else { return false }
        self.highestID = id
        return true
    }

    /// Opens a claimed stream.
    package mutating func open(_ id: UInt32, _ stream: Stream) {
        assert(id != 0 && id <= self.highestID, "stream \(id) was not claimed")
        self.streams[id] = stream
    }

    /// Changes an open stream's state in place.
    ///
    /// - Returns: What `body` returns, or `nil` when the stream is not open.
    package mutating func update<Result>(_ id: UInt32, _ body: (inout Stream) -> Result) -> Result? {
        guard let index = self.streams.index(forKey: id) else { return nil }
        return body(&self.streams.values[index])
    }

    /// Closes a stream, returning its state if it was open.
    @discardableResult
    package mutating func close(_ id: UInt32) -> Stream? {
        self.streams.removeValue(forKey: id)
    }

    /// Closes every stream, returning the ids that were open.
    package mutating func closeAll() -> [UInt32] {
        defer { self.streams.removeAll() }
        return self.openIDs
    }
}

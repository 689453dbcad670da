extension RecordPage {
    /// Reads one page under `budget`: waits until it has room, then reads with `read`, again
    /// while `read` finds no room once it holds its connection (others took it first).
    ///
    /// - Parameter read: Reads the page and charges it to `budget` while it still holds its
    ///   database connection (so that the next read sees the charge), or returns `nil`, having
    ///   read nothing, when `budget` has no room by then (``ReadMemoryBudget/hasRoom``).
    public static func read(
        under budget: ReadMemoryBudget?,
        _ read: () async throws -> RecordPage?
    ) async throws -> RecordPage {
        while true {
            try await budget?.waitForRoom()
            if let page = try await read() { return page }
        }
    }

    /// Whether a store may read a page under `budget` now: always without one.
    public static func mayRead(under budget: ReadMemoryBudget?) -> Bool {
        budget?.hasRoom ?? true
    }
}

public import ATSBridgeProto

/// Where a page of an integration's sync history ends: the last run shown (history is ordered
/// newest first, by queued time and then id). Its text form is the `next_cursor` of the admin
/// API's ListSyncRuns.
public struct SyncRunCursor: Sendable, Hashable {
    /// The last run's queued time, ms since the epoch.
    public var queuedAt: Int64
    /// The last run's id.
    public var runID: String

    /// The cursor after `run`.
    public init(after run: SyncRun) {
        self.queuedAt = run.queuedAt ?? 0
        self.runID = run.id
    }

    /// Parses a cursor's text form.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` for anything this type did not write.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "r1", let queuedAt = Int64(parts[1]), !parts[2].isEmpty,
            parts[2].count <= 64
        else {
            throw ATSBridgeError(.inputInvalid, "cursor is not a sync history cursor; pass next_cursor unchanged")
        }
        self.queuedAt = queuedAt
        self.runID = String(parts[2])
    }

    /// The text form.
    public var text: String { "r1:\(self.queuedAt):\(self.runID)" }
}

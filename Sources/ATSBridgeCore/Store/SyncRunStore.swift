public import ATSBridgeProto

/// Sync history and the sync lease that keeps one sync of an integration at a time.
public protocol SyncRunStore: Sendable {
    /// Creates or replaces a sync run.
    func saveSyncRun(_ run: SyncRun) async throws
    /// The latest runs of an integration, newest first.
    func syncRuns(integrationID: String, limit: Int) async throws -> [SyncRun]
    /// A page of an integration's runs, newest first: at most `limit` runs that come after
    /// `cursor` (the last run of the previous page), or the newest when `cursor` is nil.
    func syncRuns(integrationID: String, after cursor: SyncRunCursor?, limit: Int) async throws -> [SyncRun]

    /// Takes or renews the sync lease of an integration for `owner` until `until`. Returns false
    /// when another owner holds an unexpired lease: only one sync of an integration runs at a
    /// time, across every server sharing the store.
    func acquireSyncLease(integrationID: String, owner: String, until: Int64, at now: Int64) async throws -> Bool
    /// Gives up a lease held by `owner`.
    func releaseSyncLease(integrationID: String, owner: String) async throws
}

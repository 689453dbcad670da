/// A store that keeps each record's nested views assembled (docs/store.md, "Nested views"),
/// so that reads send stored bytes instead of looking up children page by page.
///
/// Writes mark the views they affect stale; reads assemble stale views on the fly, so results
/// never depend on whether a refresh has run. A background service calls
/// ``refreshStaleViews(limit:of:)`` for the integrations whose first sync has completed until
/// nothing of theirs is stale.
public protocol NestedViewCache: Sendable {
    /// Assembles and keeps the nested views of up to `limit` records whose kept views are
    /// stale, in one transaction. Returns how many were refreshed: fewer than `limit` means
    /// none are left.
    func refreshStaleViews(limit: Int) async throws -> Int

    /// The same, for the records of the integrations in `integrationIDs` only (none when it is
    /// empty): fewer than `limit` means none of theirs are left to refresh. (A store may keep no
    /// views for an integration whose first sync has not completed: the SQLite store.)
    func refreshStaleViews(limit: Int, of integrationIDs: [String]) async throws -> Int

    /// Marks every kept view stale (after an upgrade that changes how views are assembled).
    func invalidateAllViews() async throws
}

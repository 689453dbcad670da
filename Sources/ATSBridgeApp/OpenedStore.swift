public import ATSBridgeCore
import Logging

/// A store opened by ``StoreLocation/open(logger:)``: the application uses it only through
/// Core's protocols, whichever backend it is, and closes it once at the end.
public struct OpenedStore: Sendable {
    /// The store.
    public let store: any Store & NestedViewCache
    /// The files that hold personal data (SQLite's database, journal and folder), for the
    /// file-mode check; none for PostgreSQL.
    public let files: [String]
    private let closeStore: @Sendable () async -> Void

    init(store: any Store & NestedViewCache, files: [String], close: @escaping @Sendable () async -> Void) {
        self.store = store
        self.files = files
        self.closeStore = close
    }

    /// Closes the store: PostgreSQL's pool closes; SQLite empties its WAL into the database
    /// file, so the next start does not read through it.
    public func close() async {
        await self.closeStore()
    }

    /// Runs `body` with the store and closes it afterwards, also when `body` throws.
    public func use<T: Sendable>(_ body: (any Store & NestedViewCache) async throws -> T) async throws -> T {
        do {
            let result = try await body(self.store)
            await self.close()
            return result
        } catch {
            await self.close()
            throw error
        }
    }
}

import ATSBridgeCore
import ATSBridgeStorePostgres
import ATSBridgeStoreSQLite
import Foundation
public import Logging

extension StoreLocation {
    /// Opens (creating and migrating as needed) the store: the one place that names a
    /// backend's concrete type.
    ///
    /// - Parameter maxConnections: PostgreSQL: the most connections this process opens
    ///   (`nil`: the store's default, 16).
    /// - Throws: ``ATSBridgeError`` `PLATFORM.STORE_UNAVAILABLE` when the store cannot be
    ///   reached or opened (for PostgreSQL naming the host, port and database, never the
    ///   password), `PLATFORM.STORE_CORRUPT` for a damaged SQLite file.
    public func open(maxConnections: Int? = nil, logger: Logger) async throws -> OpenedStore {
        switch self {
        case .sqlite(let path):
            let store = try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            return OpenedStore(
                store: store,
                files: [folder] + SQLiteStore.files(of: path),
                close: { await store.close() }
            )
        case .postgres(let url):
            var configuration = try url.configuration
            if let maxConnections { configuration.maximumConnections = maxConnections }
            do {
                let store = try await PostgresStore(configuration: configuration, logger: logger)
                return OpenedStore(store: store, files: [], close: { await store.close() })
            } catch let error as ATSBridgeError {
                // The store's errors name host:port/database and never the password; scrubbed
                // again all the same, and without their cause (a driver error may quote more).
                throw ATSBridgeError(error.code, url.scrubbed(error.message))
            }
        }
    }
}

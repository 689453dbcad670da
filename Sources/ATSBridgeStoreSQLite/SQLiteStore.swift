public import ATSBridgeCore
import ATSBridgeProto
import Crypto
import Foundation
import GRDB
import Synchronization

/// The SQLite store, ATSBridge's embedded default: one file in WAL mode, versioned migrations.
///
/// Every database access runs on GRDB's own dispatch queues (one writer, a pool of readers),
/// never on an event loop or the Swift cooperative pool; `async` methods suspend until it is
/// done.
public final class SQLiteStore: Store {
    let pool: DatabasePool
    /// Write transactions running or waiting for the writer.
    private let writesInFlight = Mutex(0)
    private let cursorSecretBytes: [UInt8]
    /// Checkpoints the WAL beside the writer.
    let checkpointer: WALCheckpointer
    var cursorSecret: SymmetricKey { SymmetricKey(data: self.cursorSecretBytes) }
    /// The configuration the store was opened with.
    public let configuration: SQLiteStoreConfiguration

    /// Opens (creating if needed, owner-only: folder 0700, files 0600) and migrates the database
    /// at `configuration.path`.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.STORE_UNAVAILABLE` when the file or its folder
    ///   cannot be written or is full, `PLATFORM.STORE_CORRUPT` when it is not a database.
    public init(configuration: SQLiteStoreConfiguration) async throws {
        self.configuration = configuration
        let checkpointer = WALCheckpointer(
            path: configuration.path,
            threshold: configuration.walCheckpointPages,
            idleDelay: configuration.walIdleCheckpointDelay
        )
        self.checkpointer = checkpointer
        var config = Configuration()
        config.busyMode = .timeout(configuration.busyTimeout.fractionalSeconds)
        config.maximumReaderCount = configuration.maxReaders
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Index pages of a million records do not fit SQLite's default 2 MB cache.
            // Readers scan in key order and gain little from a large cache; each has its own.
            let cache = db.configuration.readonly ? configuration.readerCacheKilobytes : configuration.cacheKilobytes
            try db.execute(sql: "PRAGMA cache_size = -\(cache)")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            if !db.configuration.readonly {
                // Checkpoints copy the WAL into the database file and fsync it; run inside a
                // commit (SQLite's automatic checkpoint, every ~4 MB of WAL by default) they
                // stall every write behind them. They run on their own connection instead.
                checkpointer.install(on: db)
                // A WAL file keeps its largest size unless told otherwise; when a copied WAL
                // starts over, SQLite cuts it back to the size a background checkpoint starts at.
                try db.execute(sql: "PRAGMA journal_size_limit = \(checkpointer.threshold * 4_096)")
                // Multi-row upserts inside a transaction keep a statement journal (the pages
                // each statement changed, to undo it alone). SQLite spills it to a temporary file
                // past 64 KiB: about 7 KiB of file writes per upserted record. In memory it is a
                // copy, freed when the statement ends. Readers keep the default, so a large
                // sort still spills to disk instead of growing the heap.
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
            }
            if let pages = configuration.maxPageCount {
                try db.execute(sql: "PRAGMA max_page_count = \(pages)")
            }
        }
        do {
            try Self.createOwnerOnly(configuration.path)
            let pool = try DatabasePool(path: configuration.path, configuration: config)
            // Migrations run on GRDB's writer queue; this task only waits for them.
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                Self.migrator.asyncMigrate(pool) { result in continuation.resume(with: result.map { _ in }) }
            }
            // A file SQLite could open only read-only fails here, at startup, not at the first sync.
            try await pool.write { db in
                try db.execute(sql: "UPDATE meta SET value = value WHERE key = 'cursor_secret'")
                // On every start, not once: a build from before views waited for the first sync
                // (an upgrade, or a rollback and back) may have kept some (SQLiteStore+SetupViews).
                try Self.clearViewsOfIntegrationsNotSetUp(db)
            }
            self.pool = pool
            let secret = try await pool.read { db in
                try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'cursor_secret'")
            }
            guard let secret, secret.count == 32 else {
                throw ATSBridgeError(.storeCorrupt, "the store's cursor secret is missing")
            }
            self.cursorSecretBytes = [UInt8](secret)
        } catch {
            throw Self.storeError(error, opening: configuration.path)
        }
        checkpointer.start()
    }

    /// Maps SQLite's failures to clear, typed errors.
    static func storeError(_ error: any Error, opening path: String? = nil) -> any Error {
        if error is ATSBridgeError || error is CancellationError { return error }
        let subject = path.map { "the SQLite store at \($0)" } ?? "the SQLite store"
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_INTERRUPT:
                // GRDB interrupts SQLite when the task is cancelled; statements stepped through the
                // C API (page scans, lookups) then fail with this code rather than GRDB's own
                // `CancellationError`. It is the caller going away, not the store failing.
                return CancellationError()
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return ATSBridgeError(.storeCorrupt, "\(subject) is not a valid database (corrupt?)", cause: error)
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
                return ATSBridgeError(.storeUnavailable, "\(subject) cannot be opened for writing", cause: error)
            case .SQLITE_FULL:
                return ATSBridgeError(.storeUnavailable, "\(subject) is full (disk or size limit)", cause: error)
            default:
                return ATSBridgeError(
                    .storeUnavailable,
                    "\(subject) failed: SQLite code \(error.resultCode.rawValue)",
                    cause: error
                )
            }
        }
        if let error = error as? CocoaError, path != nil {
            return ATSBridgeError(
                .storeUnavailable,
                "\(subject) cannot be created: \(error.code.rawValue)",
                cause: error
            )
        }
        return ATSBridgeError(.storeUnavailable, "\(subject) failed (\(type(of: error)))", cause: error)
    }

    /// Empties the WAL into the database file, once every read and write has finished, so that
    /// the next start neither replays it nor reads through it. Call it once, when the store is
    /// no longer used; a failure only leaves the WAL for the next start's checkpoint.
    public func close() async {
        // Also when the closing task is cancelled (a server stopping on an error).
        await withCancellationShield {
            await self.checkpointer.stop()
            let busyTimeout = self.configuration.busyTimeout
            try? await self.pool.barrierWriteWithoutTransaction { db in
                WALCheckpointer.empty(on: db, wait: .milliseconds(200), restoring: busyTimeout)
            }
        }
    }

    /// Runs a write transaction, mapping SQLite errors.
    func write<T: Sendable>(_ updates: @Sendable @escaping (Database) throws -> T) async throws -> T {
        self.writesInFlight.withLock { $0 += 1 }
        defer { self.writesInFlight.withLock { $0 -= 1 } }
        do {
            return try await self.pool.write(updates)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Whether no write transaction is running or waiting (a hint: it may change at once).
    var writerIsIdle: Bool { self.writesInFlight.withLock { $0 == 0 } }

    /// Runs a read, mapping SQLite errors.
    func read<T: Sendable>(_ value: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await self.pool.read(value)
        } catch {
            throw Self.storeError(error)
        }
    }
}

extension SQLiteStore {
    /// Statement arguments from heterogeneous values.
    static func arguments(_ values: [any DatabaseValueConvertible]) -> StatementArguments {
        StatementArguments(values.map { $0 as (any DatabaseValueConvertible)? })
    }
}

import Dispatch
import GRDB
internal import GRDBSQLite
import Synchronization

/// Checkpoints the store's WAL on a connection and thread of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: the
/// writer copies every page of the WAL into the database file and waits for the file's fsync,
/// while every other write queues behind it (about a second of a large first sync). Here the
/// writer's WAL hook (``install(on:)``) only starts a PASSIVE checkpoint on this connection,
/// which copies what readers no longer need while the writer goes on. If the WAL still
/// reaches ``hardLimit`` pages (checkpoints falling behind, or readers pinning old pages), the
/// writer checkpoints itself, as SQLite's automatic checkpoint would, so the WAL stays bounded.
final class WALCheckpointer: Sendable {
    private enum State {
        case idle
        case running
    }

    /// WAL pages after which a background checkpoint starts.
    let threshold: Int
    /// WAL pages after which the committing writer checkpoints itself.
    var hardLimit: Int { self.threshold * 4 }
    private let path: String
    private let state = Mutex(State.idle)
    private let completed = Mutex(0)
    /// The checkpoint connection, opened by the first checkpoint (on `queue`, never on the
    /// writer's thread).
    private let connection = Mutex<DatabaseQueue?>(nil)
    private let queue = DispatchQueue(label: "atsbridge.sqlite.checkpoint")

    init(path: String, threshold: Int) {
        self.path = path
        self.threshold = max(1, threshold)
    }

    /// Background checkpoints finished so far (tests poll it).
    var checkpointsCompleted: Int { self.completed.withLock { $0 } }

    /// Makes `db` (the writer connection) call this checkpointer after each commit, in place of
    /// SQLite's automatic checkpoint. The checkpointer must outlive the connection: the store's
    /// connection set-up closure holds it.
    func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, walHook, Unmanaged.passUnretained(self).toOpaque())
    }

    /// A commit left `frames` pages in the WAL of `connection` (on the writer's thread).
    fileprivate func committed(frames: Int, connection: OpaquePointer?) {
        if frames >= self.hardLimit {
            // Returns SQLITE_BUSY while the background checkpoint runs; the next commit retries.
            sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            return
        }
        guard frames >= self.threshold else { return }
        let start = self.state.withLock { state in
            guard case .idle = state else { return false }
            state = .running
            return true
        }
        guard start else { return }
        self.queue.async { self.checkpoint() }
    }

    /// Copies what it can of the WAL into the database file (on `queue`). Failures are left to
    /// the next checkpoint: a checkpoint never loses data, and a writer that cannot checkpoint
    /// keeps committing to the WAL.
    private func checkpoint() {
        defer {
            self.state.withLock { $0 = .idle }
            self.completed.withLock { $0 += 1 }
        }
        do {
            let connection = try self.connection.withLock { connection in
                if let connection { return connection }
                var configuration = Configuration()
                configuration.prepareDatabase { db in
                    try db.execute(sql: "PRAGMA synchronous = NORMAL")
                }
                let opened = try DatabaseQueue(path: self.path, configuration: configuration)
                connection = opened
                return opened
            }
            try connection.writeWithoutTransaction { db in
                _ = try db.checkpoint(.passive)
            }
        } catch {
            // SQLITE_BUSY (the writer is checkpointing itself) or an I/O error: see above.
        }
    }
}

/// The WAL hook: a C function, given the checkpointer as its context.
private let walHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 =
    {
        context,
        connection,
        _,
        frames in
        guard let context else { return SQLITE_OK }
        Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
            .committed(frames: Int(frames), connection: connection)
        return SQLITE_OK
    }

/// Configuration of the SQLite store.
public struct SQLiteStoreConfiguration: Sendable, Hashable {
    /// The database file. Defaults to `./data/atsbridge.sqlite`; its folder is created.
    public var path: String = "./data/atsbridge.sqlite"
    /// How long a writer waits for a lock before failing. Defaults to 5 seconds.
    public var busyTimeout: Duration = .seconds(5)
    /// How many concurrent readers. Defaults to `4`.
    public var maxReaders: Int = 4
    /// Page cache of the writer connection, in KiB. Defaults to 65536 (64 MiB): index pages of
    /// a million records are written in random order.
    public var cacheKilobytes: Int = 65_536
    /// Page cache of each reader connection, in KiB. Defaults to 2048 (2 MiB).
    public var readerCacheKilobytes: Int = 2_048
    /// WAL pages (4 KiB) after which a checkpoint starts on a connection of its own, beside the
    /// writer; past four times as many, the writer checkpoints itself, so the WAL stays bounded.
    /// Defaults to 16384 (64 MiB).
    public var walCheckpointPages: Int = 16_384
    /// How long writes pause before a checkpoint copies what is left in the WAL, so that
    /// readers stop looking pages up there. Defaults to 1 second.
    public var walIdleCheckpointDelay: Duration = .seconds(1)
    /// A cap on the file size in pages of 4 KiB, or `nil` for none (tests use it to make the
    /// store full). Defaults to `nil`.
    public var maxPageCount: Int?

    /// Creates a configuration.
    public init(path: String = "./data/atsbridge.sqlite") {
        self.path = path
    }
}

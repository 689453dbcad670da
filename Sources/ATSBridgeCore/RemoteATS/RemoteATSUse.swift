/// What a connection to a remote ATS is for; the adapter tunes retries and pooling by it.
public enum RemoteATSUse: Sendable, Hashable {
    /// Listing every model for a sync: patient retries.
    case sync
    /// Write commands: one shared connection per integration; writes are never retried blindly.
    case write
}

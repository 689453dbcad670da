/// How far an earlier attempt of one idempotent remote write got, as the house saved it under
/// the write's idempotency key, so that a retry never writes to the remote twice.
public enum RemoteWriteProgress: Sendable, Hashable {
    /// No earlier attempt sent the write.
    case notSent
    /// An earlier attempt sent the write and lost the answer (a dropped connection, a cut-off
    /// body, a server that died mid-write): the remote may or may not have written it, so the
    /// retry first looks for what it would have created.
    case uncertain
    /// The remote answered an earlier attempt: the adapter's own encoding of what it created,
    /// opaque to the house. A retry only reads the records back.
    case answered([UInt8])
}

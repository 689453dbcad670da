/// Configuration of the RECRU adapter: how its clients pace, retry and cap their calls, for
/// syncs and for writes. Every value has a documented default (docs/sync.md, docs/writes.md).
public struct RECRUAdapterConfiguration: Sendable {
    /// The clients of syncs (and of credential checks, which retry less). Defaults to
    /// ``RECRUClientTuning/init()``.
    public var sync = RECRUClientTuning()
    /// The clients of write commands (the writes themselves are never retried blindly).
    /// Defaults to ``RECRUClientTuning/init()``.
    public var write = RECRUClientTuning()

    /// Creates the defaults.
    public init() {}
}

/// Configuration of the write commands. Every value has a documented default (docs/writes.md).
public struct WriteConfiguration: Sendable {
    /// The largest attachment, decoded. Defaults to 10 MB (RECRU's limit).
    public var maxAttachmentBytes = 10_000_000
    /// The most attachments per command. Defaults to 10.
    public var maxAttachments = 10
    /// How long downloading an http(s) `data_url` may take. Defaults to 30 seconds.
    public var downloadTimeout: Duration = .seconds(30)
    /// The source written on candidates created through ATSBridge when the integration names
    /// none. Defaults to `ATSBridge`.
    public var defaultSourceName = "ATSBridge"
    /// Source writing for integrations that do not set it. Defaults to on.
    public var sourceWritingEnabled = true

    /// Creates the defaults.
    public init() {}
}

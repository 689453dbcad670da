/// Configuration of the write commands. Every value has a documented default (docs/writes.md).
public struct WriteConfiguration: Sendable {
    /// The largest attachment, decoded. Defaults to 10 MB (RECRU's limit).
    public var maxAttachmentBytes = 10_000_000
    /// The most attachments per command. Defaults to 10.
    public var maxAttachments = 10
    /// How long downloading an http(s) `data_url` may take, redirects included. Defaults to
    /// 30 seconds.
    public var downloadTimeout: Duration = .seconds(30)
    /// The most `data_url` downloads running at once, server-wide; more are refused with
    /// RESOURCE_EXHAUSTED. Defaults to 8.
    public var maxConcurrentDownloads = 8
    /// The most redirects a `data_url` download follows. Defaults to 3.
    public var maxRedirects = 3
    /// Hosts and networks downloads may reach although internal, and over http. Defaults to
    /// none: https to public addresses only.
    public var attachmentAllowList = AttachmentAllowList()
    /// The source written on candidates created through ATSBridge when the integration names
    /// none. Defaults to `ATSBridge`.
    public var defaultSourceName = "ATSBridge"
    /// Source writing for integrations that do not set it. Defaults to on.
    public var sourceWritingEnabled = true

    /// Creates the defaults.
    public init() {}
}

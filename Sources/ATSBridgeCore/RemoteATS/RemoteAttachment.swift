public import ATSBridgeProto

/// An attachment of a create command, with its bytes loaded.
public struct RemoteAttachment: Sendable {
    /// The file name.
    public var name: String
    /// CV, cover letter or other.
    public var type: AttachmentType
    /// The content type, such as `application/pdf`.
    public var contentType: String
    /// The content.
    public var bytes: [UInt8]

    /// Creates an attachment.
    public init(name: String, type: AttachmentType, contentType: String, bytes: [UInt8]) {
        self.name = name
        self.type = type
        self.contentType = contentType
        self.bytes = bytes
    }
}

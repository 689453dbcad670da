import ATSBridgeCore
import ATSBridgeProto
import Foundation

/// Turns `AttachmentInput`s into bytes: inline `data`, `data:` URIs, or http(s) downloads
/// through ``AttachmentDownloader`` (size, time, address and redirect limits). Every problem is
/// a typed error naming the attachment.
struct AttachmentLoader: Sendable {
    let configuration: WriteConfiguration
    private let downloader: AttachmentDownloader

    init(configuration: WriteConfiguration) {
        self.configuration = configuration
        self.downloader = AttachmentDownloader(configuration: configuration)
    }

    /// `type/subtype`, with parameters such as `; charset=utf-8` (RFC 2045).
    private static let contentTypePattern = #"^[\w.+-]+/[\w.+-]+(\s*;\s*[\w.+-]+=("[^"\\]*"|[\w.+-]+))*$"#

    func load(_ inputs: [AttachmentInput]) async throws -> [RemoteAttachment] {
        guard inputs.count <= self.configuration.maxAttachments else {
            throw ATSBridgeError(
                .inputInvalid,
                "attachments: at most \(self.configuration.maxAttachments) are accepted"
            )
        }
        var loaded: [RemoteAttachment] = []
        for (index, input) in inputs.enumerated() {
            let field = "attachments[\(index)]"
            guard let name = input.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                throw ATSBridgeError(.inputInvalid, "\(field).name is required")
            }
            guard name.count <= 255 else {
                throw ATSBridgeError(.inputInvalid, "\(field).name is over 255 characters")
            }
            guard let type = input.type, type == .cv || type == .coverLetter || type == .other else {
                throw ATSBridgeError(.inputInvalid, "\(field).type must be CV, COVER_LETTER or OTHER")
            }
            var contentType = input.contentType
            let bytes: [UInt8]
            switch input.content {
            case .data(let data)?:
                guard contentType != nil else {
                    throw ATSBridgeError(.inputInvalid, "\(field).content_type is required with data")
                }
                bytes = data
            case .dataURL(let url)?:
                let fetched = try await self.fetch(url, field: field)
                bytes = fetched.bytes
                contentType = contentType ?? fetched.contentType
            case nil:
                throw ATSBridgeError(.inputInvalid, "\(field) needs exactly one of data and data_url")
            }
            let resolvedType = contentType ?? "application/octet-stream"
            guard resolvedType.utf8.count <= 255,
                resolvedType.range(of: Self.contentTypePattern, options: .regularExpression) != nil
            else {
                throw ATSBridgeError(.inputInvalid, "\(field).content_type must look like type/subtype")
            }
            guard bytes.count <= self.configuration.maxAttachmentBytes else {
                throw ATSBridgeError(
                    .inputInvalid,
                    "\(field) is \(bytes.count) bytes; the limit is \(self.configuration.maxAttachmentBytes)"
                )
            }
            guard !bytes.isEmpty else { throw ATSBridgeError(.inputInvalid, "\(field) is empty") }
            loaded.append(RemoteAttachment(name: name, type: type, contentType: resolvedType, bytes: bytes))
        }
        return loaded
    }

    private func fetch(_ text: String, field: String) async throws -> (bytes: [UInt8], contentType: String?) {
        if text.hasPrefix("data:") { return try Self.decodeDataURI(text, field: field) }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            url.host != nil
        else {
            throw ATSBridgeError(.inputInvalid, "\(field).data_url must be a data: URI or an http(s) URL")
        }
        let download = try await self.downloader.download(text, field: field)
        return (download.bytes, download.contentType)
    }

    /// `data:[<type>][;base64],<data>`.
    static func decodeDataURI(_ text: String, field: String) throws -> (bytes: [UInt8], contentType: String?) {
        guard let comma = text.firstIndex(of: ",") else {
            throw ATSBridgeError(.inputInvalid, "\(field).data_url is not a valid data: URI")
        }
        let header = text[text.index(text.startIndex, offsetBy: 5)..<comma]
        let payload = String(text[text.index(after: comma)...])
        let parameters = header.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        let isBase64 = parameters.count > 1 && parameters.last == "base64"
        // RFC 2397: `data:[<mediatype>][;base64],…`; no media type is text/plain. One that is not
        // `type/subtype` is refused, as the same value in `content_type` is.
        let mediaType = header.isEmpty || parameters[0].isEmpty ? nil : parameters[0]
        if let mediaType, mediaType.range(of: #"^[\w.+-]+/[\w.+-]+$"#, options: .regularExpression) == nil {
            throw ATSBridgeError(.inputInvalid, "\(field).data_url's media type must look like type/subtype")
        }
        let type = mediaType
        if isBase64 {
            guard let data = Data(base64Encoded: payload) else {
                throw ATSBridgeError(.inputInvalid, "\(field).data_url holds invalid base64")
            }
            return ([UInt8](data), type)
        }
        guard let decoded = payload.removingPercentEncoding else {
            throw ATSBridgeError(.inputInvalid, "\(field).data_url holds invalid percent-encoding")
        }
        return (Array(decoded.utf8), type)
    }
}

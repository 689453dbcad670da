import ATSBridgeCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Downloads `data_url`s so that they cannot be turned against the server's own network: every
/// hop's host is resolved, every address checked (``AddressClass``), and the connection made to
/// the checked address, so a DNS answer that changes between check and connect (rebinding)
/// changes nothing. Redirects are followed by hand, each hop checked again.
///
/// Failures say what went wrong in ATSBridge's words, never what the remote answered.
struct AttachmentDownloader: Sendable {
    /// A downloaded body and its content type.
    struct Download: Sendable {
        var bytes: [UInt8]
        var contentType: String?
    }

    let configuration: WriteConfiguration
    let slots: DownloadSlots

    init(configuration: WriteConfiguration) {
        self.configuration = configuration
        self.slots = DownloadSlots(limit: configuration.maxConcurrentDownloads)
    }

    /// Downloads `text`, an http(s) URL.
    ///
    /// - Throws: ``ATSBridgeError`` naming `field`: `PLATFORM.ATTACHMENT_URL_REFUSED` (scheme,
    ///   address or redirects not allowed), `PLATFORM.ATTACHMENT_DOWNLOAD_FAILED` (unreachable,
    ///   not 200, timed out), `PLATFORM.INPUT_INVALID` (over the size limit),
    ///   `PLATFORM.RESOURCE_EXHAUSTED` (too many downloads at once).
    func download(_ text: String, field: String) async throws -> Download {
        do {
            return try await self.slots.withSlot {
                try await self.withTimeLimit { try await self.follow(text) }
            }
        } catch let error as ATSBridgeError where error.code != .resourceExhausted {
            throw ATSBridgeError(error.code, "\(field).data_url \(error.message)")
        }
    }

    /// Fetches hop after hop, at most `maxRedirects` redirects.
    private func follow(_ text: String) async throws -> Download {
        guard var url = URL(string: text) else {
            throw ATSBridgeError(.inputInvalid, "must be a data: URI or an http(s) URL")
        }
        for hop in 0...self.configuration.maxRedirects {
            let address = try await self.check(url)
            switch try await self.fetch(url, connectingTo: address) {
            case .body(let download):
                return download
            case .redirect(let location):
                guard hop < self.configuration.maxRedirects else {
                    throw ATSBridgeError(
                        .attachmentURLRefused,
                        "redirects more than \(self.configuration.maxRedirects) times"
                    )
                }
                guard let next = URL(string: location, relativeTo: url)?.absoluteURL else {
                    throw ATSBridgeError(.attachmentDownloadFailed, "redirects to an invalid location")
                }
                url = next
            }
        }
        throw ATSBridgeError(.attachmentURLRefused, "redirects more than \(self.configuration.maxRedirects) times")
    }

    /// The address to connect to for `url`, once scheme and every resolved address pass.
    private func check(_ url: URL) async throws -> IPAddress {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            var host = url.host, !host.isEmpty
        else {
            throw ATSBridgeError(.attachmentURLRefused, "must be a data: URI or an http(s) URL")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let allowList = self.configuration.attachmentAllowList
        let hostAllowed = allowList.allows(host: host)
        let httpRefused = ATSBridgeError(
            .attachmentURLRefused,
            "must be https (http only for hosts in attachment_allow)"
        )
        // Refused before any DNS query when no allowed network could make http acceptable.
        guard scheme == "https" || hostAllowed || !allowList.networks.isEmpty else { throw httpRefused }
        let addresses = try await HostResolver.resolve(host)
        let addressesAllowed = addresses.allSatisfy { allowList.allows($0) }
        if !hostAllowed, !addressesAllowed {
            for address in addresses where !allowList.allows(address) {
                let kind = AddressClass(address)
                guard kind == .public else {
                    throw ATSBridgeError(
                        .attachmentURLRefused,
                        "points to \(kind.rawValue) address, which downloads may not reach (see attachment_allow)"
                    )
                }
            }
        }
        guard scheme == "https" || hostAllowed || addressesAllowed else { throw httpRefused }
        return addresses[0]
    }

    private enum Hop {
        case body(Download)
        case redirect(String)
    }

    /// One request, connected to `address` whatever the host resolves to by now.
    private func fetch(_ url: URL, connectingTo address: IPAddress) async throws -> Hop {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.proxy = nil
        if let host = url.host {
            // Both spellings: the key must match the host as the client reads it from the URL.
            for name in [host, host.lowercased()] { configuration.dnsOverride[name] = address.description }
        }
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        do {
            let hop = try await self.exchange(client, url)
            try? await client.shutdown()
            return hop
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func exchange(_ client: HTTPClient, _ url: URL) async throws -> Hop {
        let limit = self.configuration.maxAttachmentBytes
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: TimeAmount(self.configuration.downloadTimeout))
        } catch {
            throw Self.failure(error)
        }
        if [301, 302, 303, 307, 308].contains(response.status.code) {
            guard let location = response.headers.first(name: "location") else {
                throw ATSBridgeError(.attachmentDownloadFailed, "redirects without a location")
            }
            return .redirect(location)
        }
        guard response.status == .ok else {
            throw ATSBridgeError(.attachmentDownloadFailed, "answered HTTP \(response.status.code)")
        }
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > limit {
            throw ATSBridgeError(.inputInvalid, "is over \(limit) bytes")
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw ATSBridgeError(.inputInvalid, "is over \(limit) bytes")
        } catch {
            throw Self.failure(error)
        }
        let type = response.headers.first(name: "content-type").map {
            String($0.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces)
        }
        return .body(Download(bytes: Array(body.readableBytesView), contentType: type))
    }

    /// Ends `body` when the download's time is up, wherever it is (connecting, redirecting or
    /// reading the body).
    private func withTimeLimit(_ body: @escaping @Sendable () async throws -> Download) async throws -> Download {
        let timeout = self.configuration.downloadTimeout
        return try await withThrowingTaskGroup(of: Download?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let download = first else {
                throw ATSBridgeError(.attachmentDownloadFailed, "did not download within \(timeout)")
            }
            return download
        }
    }

    /// A transport failure in ATSBridge's words: the kind, not the details.
    private static func failure(_ error: any Error) -> ATSBridgeError {
        if let error = error as? ATSBridgeError { return error }
        if let error = error as? HTTPClientError,
            error == .deadlineExceeded || error == .connectTimeout || error == .readTimeout
        {
            return ATSBridgeError(.attachmentDownloadFailed, "timed out")
        }
        return ATSBridgeError(.attachmentDownloadFailed, "could not be downloaded (connection or TLS failed)")
    }
}

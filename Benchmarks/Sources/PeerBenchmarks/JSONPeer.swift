import ATSBridgeProto
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat

/// A JSON/HTTP paging API shaped like the unified ATS REST APIs: `GET /candidates?page_size=&cursor=`
/// answers `{"next": cursor, "previous": null, "results": [...]}` with at most 250 candidates,
/// served by Hummingbird with Foundation's JSONEncoder, read with AsyncHTTPClient and
/// Foundation's JSONDecoder into `UnifiedCandidate` values.
enum JSONPeer {
    static let maxPageSize = 250

    /// Runs the server on an ephemeral port, printing `PORT <n>`, until the process is killed.
    static func serve(recordsPath: String) async throws {
        let candidates = try Dataset.load(recordsPath: recordsPath).map {
            UnifiedCandidate(try Candidate(decoding: $0))
        }
        let router = Router()
        router.get("candidates") { request, _ -> Response in
            let pageSize = min(maxPageSize, request.uri.queryParameters.get("page_size", as: Int.self) ?? 100)
            // The cursor is opaque to clients, as in the unified APIs: base64 of the next offset.
            let start =
                request.uri.queryParameters.get("cursor")
                .flatMap { Data(base64Encoded: $0) }
                .flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
            guard pageSize > 0, (0...candidates.count).contains(start) else {
                throw HTTPError(.badRequest, message: "bad page_size or cursor")
            }
            let end = min(candidates.count, start + pageSize)
            let page = UnifiedCandidatePage(
                next: end < candidates.count ? Data("\(end)".utf8).base64EncodedString() : nil,
                previous: nil,
                results: Array(candidates[start..<end])
            )
            let body = try JSONEncoder().encodeAsByteBuffer(page, allocator: ByteBufferAllocator())
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: body)
            )
        }
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in announce(port: channel.localAddress?.port ?? 0) },
            logger: {
                var logger = Logger(label: "json-peer")
                logger.logLevel = .warning
                return logger
            }()
        )
        try await app.runService()
    }

    /// Pages through every candidate, `pageSize` at a time, decoding each page into typed values.
    static func stream(client: HTTPClient, port: Int, pageSize: Int) async throws -> Int {
        var cursor: String?
        var count = 0
        var applications = 0
        let decoder = JSONDecoder()
        repeat {
            var url = "http://127.0.0.1:\(port)/candidates?page_size=\(pageSize)"
            if let cursor {
                url += "&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)"
            }
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
            guard response.status == .ok else { throw PeerError("the JSON API answered \(response.status)") }
            let body = try await response.body.collect(upTo: 64 << 20)
            let page = try decoder.decode(UnifiedCandidatePage.self, from: body)
            count += page.results.count
            applications += page.results.last?.applications.count ?? 0
            cursor = page.next
        } while cursor != nil
        precondition(applications > 0, "the pages carry nested applications")
        return count
    }
}

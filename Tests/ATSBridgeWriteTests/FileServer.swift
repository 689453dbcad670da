import ATSBridgeCore
import ATSBridgeListener
import Foundation
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A tiny HTTP server for `data_url` downloads: `/cv.pdf` (small), `/big.pdf` (over the limit),
/// `/hop/N` (N redirects, then the small file), `/redirect?to=URL` (a redirect to URL), anything
/// else 404 with a body that must never reach a client.
final class FileServer: Service, Sendable {
    let small = Array("%PDF-1.4 downloaded CV".utf8)
    static let secret = "SECRET-REMOTE-BODY"
    let bigSize: Int
    let host: String
    private let listener: HTTP1Listener

    init(bigSize: Int, host: String = "127.0.0.1") {
        self.bigSize = bigSize
        self.host = host
        self.listener = HTTP1Listener(name: "the file server", host: host, port: 0)
    }

    /// `http://HOST:PORT`.
    func baseURL() async throws -> String { "http://\(self.host):\(try await self.listeningPort())" }

    /// What `uri` answers: a status, a body and an optional Location.
    private func answer(_ uri: String) -> (HTTPResponseStatus, [UInt8], String?) {
        if uri.hasPrefix("/redirect?to=") {
            return (.found, [], String(uri.dropFirst("/redirect?to=".count)).removingPercentEncoding)
        }
        if uri.hasPrefix("/hop/"), let count = Int(uri.dropFirst("/hop/".count)) {
            return count == 0 ? (.ok, self.small, nil) : (.movedPermanently, [], "/hop/\(count - 1)")
        }
        switch uri {
        case "/cv.pdf": return (.ok, self.small, nil)
        case "/big.pdf": return (.ok, [UInt8](repeating: 7, count: self.bigSize), nil)
        default: return (.notFound, Array(Self.secret.utf8), nil)
        }
    }

    func listeningPort() async throws -> Int { try await self.listener.port.value() }

    func run() async throws {
        try await self.listener.run { connection in
            try? await connection.executeThenClose { requests, outbound in
                for try await part in requests {
                    guard case .head(let head) = part else { continue }
                    let (status, body, location) = self.answer(head.uri)
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: "application/pdf")
                    headers.add(name: "Content-Length", value: String(body.count))
                    headers.add(name: "Connection", value: "close")
                    if let location { headers.add(name: "Location", value: location) }
                    try await outbound.write(
                        .head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))
                    )
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                    try await outbound.write(.end(nil))
                    return
                }
            }
        }
    }
}

import ATSBridgeCore
import ATSBridgeListener
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A tiny HTTP server for `data_url` downloads: `/cv.pdf` (small), `/big.pdf` (over the limit),
/// anything else 404.
final class FileServer: Service, Sendable {
    let small = Array("%PDF-1.4 downloaded CV".utf8)
    let bigSize: Int
    private let listener = HTTP1Listener(name: "the file server", host: "127.0.0.1", port: 0)

    init(bigSize: Int) {
        self.bigSize = bigSize
    }

    func listeningPort() async throws -> Int { try await self.listener.port.value() }

    func run() async throws {
        try await self.listener.run { connection in
            try? await connection.executeThenClose { requests, outbound in
                for try await part in requests {
                    guard case .head(let head) = part else { continue }
                    let body: [UInt8]? =
                        switch head.uri {
                        case "/cv.pdf": self.small
                        case "/big.pdf": [UInt8](repeating: 7, count: self.bigSize)
                        default: nil
                        }
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: "application/pdf")
                    headers.add(name: "Content-Length", value: String(body?.count ?? 0))
                    headers.add(name: "Connection", value: "close")
                    try await outbound.write(
                        .head(
                            HTTPResponseHead(version: .http1_1, status: body == nil ? .notFound : .ok, headers: headers)
                        )
                    )
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body ?? []))))
                    try await outbound.write(.end(nil))
                    return
                }
            }
        }
    }
}

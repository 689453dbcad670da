import NIOCore
import NIOSSL
import Synchronization

/// Sits behind the TLS handler and keeps the first TLS error, so that a refused handshake is
/// reported as such rather than as a connection that closed. Readable from any thread, also
/// after the channel has closed and its handlers are gone.
final class TLSFailureRecorder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    private let first = Mutex<String?>(nil)

    /// The first TLS error, described.
    var failure: String? { self.first.withLock { $0 } }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            self.first.withLock { $0 = $0 ?? Self.describe(error) }
        }
        context.fireErrorCaught(error)
    }

    /// The error's description without the source locations BoringSSL adds to each of its
    /// errors (` at /…/ssl/handshake.cc:393`): build paths mean nothing to the reader.
    static func describe(_ error: any Error) -> String {
        var text = Substring("\(error)")
        var kept = ""
        while let at = text.firstRange(of: " at /") {
            kept += text[..<at.lowerBound]
            var rest = text[at.upperBound...]
            // The path runs to ":<line>"; what follows the line number is kept.
            guard let colon = rest.firstIndex(of: ":") else {
                kept += text[at.lowerBound...]
                text = ""
                break
            }
            rest = rest[rest.index(after: colon)...]
            text = rest.drop { $0.isNumber }
        }
        return kept + text
    }
}
